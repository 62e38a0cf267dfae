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

/** The one string key of an identifier, for maps and DataLoader caches. */
export const identifierKey = (i: IdentifierKey): string => `${i.type}\u0000${i.value}`;

export interface IdentifierModel extends IdentifierKey {
  shared: boolean;
}

export interface PersonaModel {
  id: string;
  key: string;
  context: PersonaContext;
  label: string | null;
}

export interface PersonModel {
  id: string;
}

export interface DeviceModel {
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

export interface ConsentModel {
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
}
