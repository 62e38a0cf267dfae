// The digital profile: two dimensions from a person's behaviour, each 0..1 with its reasons, and the
// group they place it in. Pure: the inputs come from cypher/engagement/digital-inputs.cypher.
import type { Channel, DeviceKind, DigitalGroup } from '../generated/graphql.js';

export interface DigitalInputs {
  deviceKinds: { kind: string; uses: number }[];
  channels: { channel: string; events: number }[];
  selfService: number;
  granted: number;
  withdrawn: number;
  directFacts: number;
  asked: number;
  answered: number;
  /** What the person said it prefers: the latest DIRECT fact of the configured keys, as given. */
  statedChannel: unknown;
  statedDevice: unknown;
}

export interface DigitalProfileModel {
  group: DigitalGroup;
  sophistication: number;
  willingnessToShare: number;
  reasons: string[];
  preferredChannel: Channel | null;
  preferredDevice: DeviceKind | null;
}

/** Event types a customer does for themselves, online. */
export const selfServiceTypes = [
  'login',
  'profile_updated',
  'password_reset',
  'self_service',
  'order_tracking',
  'appointment_booked',
];
const digitalChannels = new Set(['WEB', 'APP', 'EMAIL', 'SMS', 'CHAT']);
const channelValues = new Set<Channel>(['APP', 'CHAT', 'EMAIL', 'MAIL', 'PHONE', 'SMS', 'STORE', 'WEB']);
const deviceKindValues = new Set<DeviceKind>(['DESKTOP', 'LAPTOP', 'OTHER', 'PHONE', 'TABLET', 'TV']);

/** A stated preference that names one of the values (any case); anything else is not an answer. */
function stated<T extends string>(value: unknown, values: Set<T>): T | null {
  const named = typeof value === 'string' ? value.trim().toUpperCase() : null;
  return named !== null && values.has(named as T) ? (named as T) : null;
}
const round = (n: number) => Math.round(n * 100) / 100;
const share = (part: number, whole: number) => Math.min(1, part / whole);

export function digitalProfile(
  i: DigitalInputs,
  thresholds: { sophisticationBands: [number, number]; willingnessThreshold: number },
): DigitalProfileModel {
  const kinds = i.deviceKinds.map((d) => d.kind);
  const digital = i.channels.filter((c) => digitalChannels.has(c.channel)).map((c) => c.channel);
  const usesApp = i.channels.some((c) => c.channel === 'APP');
  // Each part 0..1; sophistication is their mean.
  const sophisticationParts = [
    share(kinds.length, 3),
    share(digital.length, 3),
    usesApp ? 1 : 0,
    share(i.selfService, 3),
  ];
  const sophistication = round(sophisticationParts.reduce((a, b) => a + b, 0) / sophisticationParts.length);
  const consentShare = i.granted + i.withdrawn === 0 ? 0 : i.granted / (i.granted + i.withdrawn);
  const answerShare = i.asked === 0 ? 0 : share(i.answered, i.asked);
  const willingnessParts = [consentShare, share(i.directFacts, 3), answerShare];
  const willingnessToShare = round(willingnessParts.reduce((a, b) => a + b, 0) / willingnessParts.length);
  const [low, high] = thresholds.sophisticationBands;
  const shares = willingnessToShare >= thresholds.willingnessThreshold;
  const band = sophistication < low ? 'low' : sophistication < high ? 'middle' : 'high';
  const group: DigitalGroup = {
    low: shares ? 'ASPIRANT' : 'ANALOG',
    middle: shares ? 'MAINSTREAM' : 'NOMAD',
    high: shares ? 'CHAMELEON' : 'GUARDED',
  }[band] as DigitalGroup;
  // An answer outranks behaviour: the customer who said "email, please" is not asked through the web
  // because most of its events came from there.
  const saidChannel = stated(i.statedChannel, channelValues);
  const saidDevice = stated(i.statedDevice, deviceKindValues);
  const preferredChannel = saidChannel ?? (i.channels[0]?.channel as Channel | undefined) ?? null;
  const preferredDevice = saidDevice ?? (i.deviceKinds[0]?.kind as DeviceKind | undefined) ?? null;
  const reasons = [
    `${kinds.length} device kind(s)${kinds.length ? ` (${kinds.join(', ')})` : ''}`,
    `${digital.length} digital channel(s)${digital.length ? ` (${digital.join(', ')})` : ''}`,
    usesApp ? 'uses the app' : 'no app use',
    `${i.selfService} self-service event(s)`,
    `${i.granted} consent(s) granted, ${i.withdrawn} withdrawn or refused`,
    `${i.directFacts} fact(s) volunteered`,
    `${i.answered} of ${i.asked} question(s) answered`,
    `sophistication ${sophistication} (${band}), willingness to share ${willingnessToShare} (${shares ? 'shares' : 'guards'})`,
    ...(preferredChannel
      ? [`prefers ${preferredChannel}: ${saidChannel ? 'said so' : 'most of its events came through it'}`]
      : []),
    ...(preferredDevice
      ? [`uses ${preferredDevice}: ${saidDevice ? 'said so' : 'most of its events came from it'}`]
      : []),
  ];
  return {
    group,
    sophistication,
    willingnessToShare,
    reasons,
    preferredChannel,
    preferredDevice,
  };
}
