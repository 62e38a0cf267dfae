// The identity graph's models as the repositories return them and the resolvers receive them.
import type {
  Channel,
  CollectionMethod,
  DeviceKind,
  IdentifierKind,
  PersonaContext,
} from '../generated/graphql.js';

export type { Channel, CollectionMethod, DeviceKind, IdentifierKind, PersonaContext };
export type Strength = 'STRONG' | 'WEAK';

export interface IdentifierKey {
  type: string;
  value: string;
}

/** One string per identifier (type and value), for maps, sets and DataLoader cache keys. */
export const identifierKey = (i: IdentifierKey): string => `${i.type}\u0000${i.value}`;

/** The one order identifiers are locked in, so concurrent writers queue instead of deadlocking. */
export const compareIdentifiers = (a: IdentifierKey, b: IdentifierKey): number => {
  const x = identifierKey(a);
  const y = identifierKey(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

/** An identifier's membership in a persona over time (Identifier.memberships). */
export interface MembershipModel {
  persona: PersonaModel;
  from: string;
  lastSeen: string;
  strength: Strength;
  to: string | null;
  endedBy: string | null;
}

/**
 * What a nested read's one statement read ahead below an object, by field and response key
 * (`prefetchKey`): the field's resolver returns it as it is instead of asking a loader.
 */
export type Prefetched = ReadonlyMap<string, unknown>;

/** Read ahead where the compiled nested read put it (src/identity/nested.plan.ts). */
export interface WithPrefetched {
  readonly prefetched?: Prefetched;
}

/** Where a field's read-ahead value is kept: its name and its response key (alias) together. */
export const prefetchKey = (field: string, responseKey: string): string => `${field} ${responseKey}`;

export interface IdentifierModel extends IdentifierKey, WithPrefetched {
  shared: boolean;
}

export interface PersonaModel extends WithPrefetched {
  id: string;
  key: string;
  context: PersonaContext;
  label: string | null;
}

export interface PersonModel extends WithPrefetched {
  id: string;
}

export interface DeviceModel extends WithPrefetched {
  id: string;
  kind: DeviceKind | null;
}

export interface FactModel {
  id: string;
  key: string;
  value: unknown;
  method: CollectionMethod;
  source: string;
  at: string;
  confidence: number;
  personaId: string | null;
  /** Health and similar: masked for callers without the pii role. */
  sensitive?: boolean;
}

export interface ConsentModel extends WithPrefetched {
  id: string;
  purpose: string;
  channel: Channel;
  granted: boolean;
  at: string;
  personaId: string;
  identifier: IdentifierKey | null;
}

export interface EventModel {
  id: string;
  type: string;
  occurredAt: string;
  source: string;
  personaId?: string | null;
  identifiers?: IdentifierModel[];
  mentions?: MentionModel[];
}

export interface MentionModel {
  role: string;
  identifier: IdentifierModel;
}

export interface IdentifierTypeModel {
  name: string;
  kind: IdentifierKind;
  contactChannel: Channel | null;
  maxPersonas: number;
  blockedValues: string[];
  /** WEAK evidence last seen longer ago than this stops counting; null: never stale. */
  staleAfterDays: number | null;
  /** A new STRONG holder after the others were silent this long ends their memberships; null: never. */
  recycleAfterDays: number | null;
}
