// A seeded, reproducible identity graph as a stream of EventInput objects (one JSON line each for
// `idgraph import`, or batches for the GraphQL `ingest` mutation). The same seed and size give
// byte-identical output, and a smaller size is a prefix of a larger one, so a bench can measure at
// 10k and keep loading to 100k.
//
// The world is built in chunks of households, each chunk from its own seed and sorted by time, so a
// million events stream in bounded memory. A household shares a tablet (one cookie for everyone);
// each person has two to four personas (personal, work, side business, a second personal account)
// tied by the personal phone; a work persona often lists the office switchboard, which dozens of
// unrelated people share; a laptop runs two browsers on one piece of hardware; some cookies are
// recycled from one household to another half a year later; campaigns send messages with a purpose
// that are opened, clicked and sometimes bought from (the amount is a fact: the schema has no amount
// field); consents are given and some withdrawn; a booking names another household member as guest.
//
// CLI: node --import ./bench/register-ts.mjs bench/generate.ts --size 10k [--seed 1] [--out file]
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

export interface GeneratedEvent {
  id: string;
  type: string;
  occurredAt: string;
  source: string;
  channel?: string;
  actor: {
    persona?: { key: string; context: string; label?: string };
    identifiers?: { type: string; value: string }[];
    device?: { id: string; kind: string; os?: string; browser?: string; hardwareId?: string };
    authenticated?: boolean;
  };
  mentions?: { role: string; identifier: { type: string; value: string } }[];
  campaign?: string;
  asset?: string;
  purpose?: string;
  terms?: { vocabulary: string; key: string }[];
  facts?: { key: string; value: unknown; method?: string; confidence?: number }[];
  amount?: number;
  currency?: string;
  consents?: {
    purpose: string;
    channel: string;
    granted: boolean;
    identifier?: { type: string; value: string };
  }[];
}

export const sizes = { '10k': 10_000, '100k': 100_000, '1m': 1_000_000 } as const;
export type SizeName = keyof typeof sizes;

export function parseSize(text: string): number {
  const named = sizes[text.toLowerCase() as SizeName];
  const count = named ?? Number(text);
  if (!Number.isInteger(count) || count <= 0)
    throw new Error(`--size: "${text}" is not 10k, 100k, 1m or a count`);
  return count;
}

/** mulberry32: small, fast and the same on every platform (bench/linkage/generate.ts draws from it too). */
export function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}
type Random = ReturnType<typeof random>;

const householdsPerChunk = 25;
const yearStart = Date.UTC(2025, 0, 1);
const dayMs = 86_400_000;
/** Valid US area codes (libphonenumber checks them), so every phone normalizes. */
const areaCodes = ['212', '305', '312', '415', '512', '617', '646', '702', '718', '917'];
const campaigns = Array.from(
  { length: 12 },
  (_, i) => `C${String(i + 1).padStart(2, '0')}GEN${(i * 7919) % 97}`,
);
const topics = ['travel', 'cooking', 'engineering', 'gardening', 'music', 'sports', 'finance'];

/**
 * Switchboard numbers shared by work personas across households: one per chunk, also listed by the
 * next chunk's offices, so each has about 40 unrelated holders at any size.
 */
const switchboard = (chunk: number, rnd: Random) =>
  `+1 212 200 ${String(1000 + chunk + rnd.int(0, 1)).slice(-4)}`;

const twoTopics = (rnd: Random) => {
  const first = rnd.int(0, topics.length - 1);
  return [topics[first]!, topics[(first + rnd.int(1, topics.length - 1)) % topics.length]!];
};

export interface GenerateOptions {
  size: number;
  seed?: number;
}

interface Persona {
  key: string;
  context: string;
  label: string;
  email: string;
  phone: string;
  account: string;
}

/** One chunk of households, its events sorted by time then id. */
function chunkEvents(seed: number, chunk: number): GeneratedEvent[] {
  const rnd = random((seed * 1_000_003 + chunk * 7_919 + 17) >>> 0);
  const events: GeneratedEvent[] = [];
  let counter = 0;
  const at = (ms: number) => new Date(Math.round(ms)).toISOString();
  const push = (ms: number, event: Omit<GeneratedEvent, 'id' | 'occurredAt'>) =>
    events.push({ id: `gen${seed}-${chunk}-${counter++}`, occurredAt: at(ms), ...event });
  const phoneOf = () =>
    `+1 ${rnd.pick(areaCodes)} ${rnd.int(201, 989)} ${String(rnd.int(0, 9999)).padStart(4, '0')}`;
  // Recycled cookies: a browser cookie one household drops in the first half of the year is the
  // cookie another household's browser gets in the second half.
  const recycledCookies: string[] = [];

  for (let h = 0; h < householdsPerChunk; h++) {
    // The seed is part of every key and value, so two seeds' worlds never touch in one database.
    const hh = `${seed}x${chunk}-${h}`;
    const tablet = { id: `tab-${hh}`, kind: 'TABLET', os: 'iPadOS', browser: 'Safari' };
    const tabletCookie = `ck-${hh}-tab`;
    const people = rnd.int(1, 4);
    const householdPersonalEmails: string[] = [];
    const householdPersonas: { persona: Persona; personal: boolean }[][] = [];
    for (let m = 0; m < people; m++) {
      const pid = `${hh}-${m}`;
      const personalPhone = phoneOf();
      const personaCount = rnd.int(2, 4);
      const personas: Persona[] = [];
      for (let k = 0; k < personaCount; k++) {
        const context = ['PERSONAL', 'WORK', 'BUSINESS', 'PERSONAL'][k]!;
        const isWork = context === 'WORK';
        personas.push({
          key: `gen:acct:${pid}-${k}`,
          context,
          label: `${context.toLowerCase()} ${pid}`,
          email: isWork ? `p${pid}@work${chunk % 50}.example` : `p${pid}.${k}@mail.example`,
          phone: isWork ? (rnd.chance(0.6) ? switchboard(chunk, rnd) : phoneOf()) : personalPhone,
          account: `shop-${pid}-${k}`,
        });
      }
      householdPersonalEmails.push(personas[0]!.email);
      householdPersonas.push(personas.map((p) => ({ persona: p, personal: p.context === 'PERSONAL' })));

      const hardware = `hw-${pid}-laptop`;
      const chrome = {
        id: `dev-${pid}-chrome`,
        kind: 'LAPTOP',
        os: 'Windows',
        browser: 'Chrome',
        hardwareId: hardware,
      };
      const firefox = {
        id: `dev-${pid}-firefox`,
        kind: 'LAPTOP',
        os: 'Windows',
        browser: 'Firefox',
        hardwareId: hardware,
      };
      const mobile = { id: `dev-${pid}-phone`, kind: 'PHONE', os: rnd.pick(['iOS', 'Android']) };
      const secondHalf = rnd.chance(0.5);
      let firefoxCookie = `ck-${pid}-ff`;
      if (rnd.chance(0.15)) {
        if (secondHalf && recycledCookies.length) firefoxCookie = recycledCookies.shift()!;
        else if (!secondHalf) recycledCookies.push(firefoxCookie);
      }
      const cookieOf = (device: { id: string }) =>
        device === chrome
          ? `ck-${pid}-cr`
          : device === firefox
            ? firefoxCookie
            : device === tablet
              ? tabletCookie
              : null;

      personas.forEach((persona, k) => {
        const device =
          persona.context === 'WORK' ? chrome : k === 0 ? rnd.pick([firefox, mobile, tablet]) : mobile;
        // Firefox cookies that are recycled stay in their half of the year.
        const start = secondHalf ? yearStart + 182 * dayMs : yearStart;
        let t = start + rnd.next() * 60 * dayMs;
        const actor = (
          identifiers: { type: string; value: string }[],
          authenticated: boolean,
          dev = device,
        ) => ({
          persona: { key: persona.key, context: persona.context, label: persona.label },
          identifiers,
          device: dev,
          authenticated,
        });
        const cookie = cookieOf(device);
        const marketing = rnd.chance(0.7);
        push(t, {
          type: 'signup',
          source: 'web',
          channel: 'WEB',
          actor: actor(
            [
              { type: 'email', value: persona.email },
              { type: 'phone', value: persona.phone },
              { type: 'account', value: persona.account },
              ...(cookie ? [{ type: 'cookie', value: cookie }] : []),
            ],
            true,
          ),
          consents: [
            { purpose: 'marketing', channel: 'EMAIL', granted: marketing },
            ...(persona.context === 'PERSONAL' && rnd.chance(0.3)
              ? [{ purpose: 'job-alerts', channel: 'EMAIL', granted: true }]
              : []),
          ],
          facts:
            persona.context === 'PERSONAL'
              ? [{ key: 'interests', value: twoTopics(rnd), method: 'DIRECT' }]
              : undefined,
        });
        for (let n = rnd.int(0, 3); n > 0; n--) {
          t += rnd.next() * 20 * dayMs;
          push(t, {
            type: 'login',
            source: 'web',
            channel: device === mobile ? 'APP' : 'WEB',
            actor: actor(
              [
                { type: 'account', value: persona.account },
                ...(cookie ? [{ type: 'cookie', value: cookie }] : []),
              ],
              true,
            ),
          });
        }
        // Browsing without logging in: only the device and its cookie (WEAK evidence).
        for (let n = rnd.int(0, 4); n > 0; n--) {
          t += rnd.next() * 10 * dayMs;
          const dev = rnd.chance(0.3) ? tablet : device;
          const browsingCookie = cookieOf(dev);
          push(t, {
            type: 'page_view',
            source: 'web',
            channel: 'WEB',
            actor: {
              identifiers: browsingCookie ? [{ type: 'cookie', value: browsingCookie }] : [],
              device: dev,
            },
            terms: [{ vocabulary: 'topic', key: rnd.pick(topics) }],
          });
        }
        // Campaigns: message_sent with a purpose, then opens, clicks and purchases.
        const email = { type: 'email', value: persona.email };
        for (let n = rnd.int(0, 4); n > 0; n--) {
          t += rnd.next() * 15 * dayMs;
          const campaign = rnd.pick(campaigns);
          const asset = `a${campaign.toLowerCase()}${rnd.int(1, 3)}`;
          push(t, {
            type: 'message_sent',
            source: 'esp',
            channel: 'EMAIL',
            actor: { identifiers: [email] },
            campaign,
            asset,
            purpose: rnd.chance(0.8) ? 'marketing' : 'newsletter',
          });
          if (!rnd.chance(0.4)) continue;
          t += rnd.next() * dayMs;
          push(t, {
            type: 'email_open',
            source: 'esp',
            channel: 'EMAIL',
            actor: { identifiers: [email] },
            campaign,
            asset,
          });
          if (!rnd.chance(0.3)) continue;
          t += rnd.next() * 3_600_000;
          push(t, {
            type: 'email_click',
            source: 'esp',
            channel: 'EMAIL',
            actor: { identifiers: [email] },
            campaign,
            asset,
          });
          if (!rnd.chance(0.3)) continue;
          t += rnd.next() * 3_600_000;
          push(t, {
            type: 'purchase',
            source: 'shop',
            channel: 'WEB',
            actor: actor([{ type: 'account', value: persona.account }], true),
            campaign,
            amount: rnd.int(500, 50_000) / 100,
            currency: 'EUR',
          });
        }
        if (marketing && rnd.chance(0.15)) {
          t += rnd.next() * 30 * dayMs;
          push(t, {
            type: 'preference_update',
            source: 'web',
            channel: 'WEB',
            actor: actor([{ type: 'account', value: persona.account }], true),
            consents: [{ purpose: 'marketing', channel: 'EMAIL', granted: false, identifier: email }],
          });
        }
      });
    }
    // A booking by one household member naming another's personal email as the guest.
    if (people > 1 && rnd.chance(0.3)) {
      const booker = householdPersonas[0]![0]!.persona;
      push(yearStart + rnd.next() * 300 * dayMs, {
        type: 'booking',
        source: 'agency',
        channel: 'WEB',
        actor: {
          persona: { key: booker.key, context: booker.context },
          identifiers: [{ type: 'account', value: booker.account }],
          authenticated: true,
        },
        mentions: [{ role: 'GUEST', identifier: { type: 'email', value: householdPersonalEmails[1]! } }],
      });
    }
  }
  events.sort((a, b) =>
    a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : a.id < b.id ? -1 : 1,
  );
  return events;
}

/** The first `size` events of the world for `seed`, chunk by chunk. */
export function* generateEvents({ size, seed = 1 }: GenerateOptions): Generator<GeneratedEvent> {
  let emitted = 0;
  for (let chunk = 0; emitted < size; chunk++) {
    for (const event of chunkEvents(seed, chunk)) {
      if (emitted++ >= size) return;
      yield event;
    }
  }
}

/** JSON lines, one event each, as `idgraph import` reads them. */
export function* generateLines(options: GenerateOptions): Generator<string> {
  for (const event of generateEvents(options)) yield `${JSON.stringify(event)}\n`;
}

/** Writes the JSON lines to a file, honouring back-pressure so memory stays flat at a million. */
export async function writeDataset(file: string, options: GenerateOptions): Promise<number> {
  const out = fs.createWriteStream(file);
  let count = 0;
  for (const line of generateLines(options)) {
    count++;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  return count;
}

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const options = { size: parseSize(argument('size') ?? '10k'), seed: Number(argument('seed') ?? 1) };
  const out = argument('out');
  if (out) {
    const count = await writeDataset(out, options);
    console.error(`${count} events written to ${out}`);
  } else {
    for (const line of generateLines(options)) {
      if (!process.stdout.write(line))
        await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
    }
  }
}
