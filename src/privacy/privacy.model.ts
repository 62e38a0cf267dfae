// What export, erasure and the audit log hand out.

/** What an erasure removed. */
export interface ErasureModel {
  personas: number;
  identifiers: number;
  devices: number;
  events: number;
  facts: number;
  consents: number;
}

export interface AuditEntryModel {
  id: string;
  who: string;
  when: string;
  action: string;
  target: string | null;
  reason: string | null;
  /** The exact stored time (Cypher text), for the page cursor. */
  atText: string;
}

export interface AuditPage {
  edges: { cursor: string; node: AuditEntryModel }[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}
