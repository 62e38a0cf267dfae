// The profile changes the outbox records: what integrators subscribe to.

export const changeTypes = [
  'PERSONA_CREATED',
  'PERSONA_UPDATED',
  'IDENTIFIER_ATTACHED',
  'IDENTIFIER_DETACHED',
  'IDENTIFIER_SHARED',
  'PERSON_GROUPED',
  'PERSON_SPLIT',
  'FACT_RECORDED',
  'CONSENT_RECORDED',
  'PERSON_ERASED',
  'USE_CASE_DEFINED',
  'IDENTIFIER_TYPE_DEFINED',
  'ANSWER_RECORDED',
  'MAPPING_ADDED',
  'ENGAGEMENT_CHANGED',
  'DIGITAL_GROUP_CHANGED',
] as const;
export type ChangeType = (typeof changeTypes)[number];

/** A change as a writer records it, inside the transaction that makes it. */
export interface ChangeInput {
  type: ChangeType;
  personaIds: string[];
  personIds: string[];
  data?: Record<string, unknown>;
}

/** A change as the feed delivers it: sequenced, so it has a place (`seq`) in the one total order. */
export interface ChangeModel {
  /** Position in the feed: consecutive, assigned only after the writing transaction committed. */
  seq: number;
  id: string;
  type: ChangeType;
  /** The time of the writing transaction (ISO-8601). */
  at: string;
  personaIds: string[];
  personIds: string[];
  data: unknown;
}

/** Which changes a reader wants; every set field must match (an empty filter matches all). */
export interface ChangeFilter {
  types?: readonly ChangeType[] | null;
  personaId?: string | null;
  personId?: string | null;
}

export function matchesFilter(change: ChangeModel, filter: ChangeFilter): boolean {
  if (filter.types && filter.types.length > 0 && !filter.types.includes(change.type)) return false;
  if (filter.personaId && !change.personaIds.includes(filter.personaId)) return false;
  if (filter.personId && !change.personIds.includes(filter.personId)) return false;
  return true;
}
