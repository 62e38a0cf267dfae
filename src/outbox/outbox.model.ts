// The profile changes a writer records in the outbox: what integrators subscribe to.

/**
 * Every change type, in the order ingest lists one event's changes (persona, identifiers, sharing,
 * grouping, facts, consents: src/identity/ingest.changes.ts sorts by it): add a type where it belongs.
 */
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
  'LINK_SUGGESTED',
  'SUGGESTION_REVIEWED',
] as const;
export type ChangeType = (typeof changeTypes)[number];

/** A change as a writer records it, inside the transaction that makes it. */
export interface ChangeInput {
  type: ChangeType;
  personaIds: string[];
  personIds: string[];
  data?: Record<string, unknown>;
}
