// The customer-knowledge steps ingestion runs inside its batch (facts checked against their keys,
// questions and answers), as identity needs them. Profile implements them (src/profile/profile.ingest.ts)
// and the composition root hands them in, so identity never imports profile, which builds on identity.
import type { EventInput } from '../generated/graphql.js';
import type { Tx } from '../graph/run.js';
import type { ChangeInput } from '../outbox/outbox.model.js';

/** An event that breaks the knowledge rules; `code` is the rejection's code. */
export class KnowledgeRejected extends Error {
  constructor(
    readonly code: 'INVALID_FACT' | 'BAD_USER_INPUT',
    message: string,
  ) {
    super(message);
  }
}

export interface PreparedKnowledge {
  asked: string[];
  answers: { question: string; value: string }[];
  /** Facts the answers give, shaped like ingest's own facts so they are recorded with them. */
  facts: { key: string; value: string; method: 'DIRECT'; confidence: number }[];
}

/** Checks and stores an event's knowledge; `Rules` are read once per batch and passed back as they are. */
export interface KnowledgeIngest<Rules = unknown> {
  rules(): Promise<Rules>;
  /** Throws KnowledgeRejected naming the first problem. */
  prepare(
    event: EventInput,
    rules: Rules,
    limits: { maxLength: number; maxKeyLength: number },
  ): PreparedKnowledge;
  /** Stores the batch's questions and answers in ingest's transaction; the changes and unmapped keys. */
  store(
    tx: Tx,
    rows: ({ eventId: string } & PreparedKnowledge)[],
    personIdsOf: (personaId: string) => string[],
  ): Promise<{ changes: ChangeInput[]; unmapped: { kind: string; code: string }[] }>;
}
