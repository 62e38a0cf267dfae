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
] as const;
export type ChangeType = (typeof changeTypes)[number];

/** A change as a writer records it, inside the transaction that makes it. */
export interface ChangeInput {
  type: ChangeType;
  personaIds: string[];
  personIds: string[];
  data?: Record<string, unknown>;
}
