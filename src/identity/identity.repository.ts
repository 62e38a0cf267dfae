// The only code that names identity queries; returns plain models, each row checked with zod where it
// enters. Write helpers take the caller's transaction so a service can compose one atomic, idempotent
// unit of work.
import { z } from 'zod';
import type { Graph, Tx } from '../graph/run.js';
import { parseJsonText, readChecked, runChecked } from '../graph/rows.js';
import {
  type Channel,
  type CollectionMethod,
  type DeviceKind,
  type IdentifierKind,
  type PersonaContext,
} from './identity.model.js';
import type { EvidenceStepParams, NodesParams, RecordsParams } from './ingest.plan.js';

const channel = z.enum([
  'APP',
  'CHAT',
  'EMAIL',
  'MAIL',
  'PHONE',
  'SMS',
  'STORE',
  'WEB',
]) satisfies z.ZodType<Channel>;
const personaContext = z.enum([
  'BUSINESS',
  'FAMILY',
  'OTHER',
  'PERSONAL',
  'WORK',
]) satisfies z.ZodType<PersonaContext>;
const identifierKind = z.enum([
  'ACCOUNT',
  'COOKIE',
  'DEVICE',
  'EMAIL',
  'OTHER',
  'PHONE',
]) satisfies z.ZodType<IdentifierKind>;
const deviceKind = z.enum([
  'DESKTOP',
  'LAPTOP',
  'OTHER',
  'PHONE',
  'TABLET',
  'TV',
  'WEARABLE',
]) satisfies z.ZodType<DeviceKind>;
const collectionMethod = z.enum(['DIRECT', 'INDIRECT', 'INFERRED']) satisfies z.ZodType<CollectionMethod>;

const identifierKey = z.object({ type: z.string(), value: z.string() });
const identifier = identifierKey.extend({
  shared: z
    .boolean()
    .nullable()
    .transform((s) => s ?? false),
});
const persona = z.object({
  id: z.string(),
  key: z.string(),
  context: personaContext,
  label: z.string().nullable(),
});
const device = z.object({ id: z.string(), kind: deviceKind.nullable() });
const identifierType = z.object({
  name: z.string(),
  kind: identifierKind,
  contactChannel: channel.nullable(),
  maxPersonas: z.number(),
  blockedValues: z.array(z.string()),
  staleAfterDays: z.number().nullable(),
  recycleAfterDays: z.number().nullable(),
});
const sharedRow = z.object({
  type: z.string(),
  value: z.string(),
  shared: z.boolean(),
  flipped: z.boolean(),
  holderIds: z.array(z.string()),
});

const factRow = z
  .object({
    personaId: z.string(),
    fact: z.object({
      id: z.string(),
      key: z.string(),
      value: z.string(),
      method: collectionMethod,
      source: z.string(),
      at: z.string(),
      confidence: z.number(),
    }),
    sensitive: z.boolean(),
  })
  .transform((row) => ({
    ...row.fact,
    value: parseJsonText(row.fact.value),
    personaId: row.personaId,
    sensitive: row.sensitive,
  }));

const nodesRow = z.object({
  fresh: z.array(z.string()),
  personas: z.array(
    z.object({
      key: z.string(),
      id: z.string(),
      created: z.boolean(),
      context: personaContext,
      label: z.string().nullable(),
      oldContext: personaContext,
      oldLabel: z.string().nullable(),
    }),
  ),
});
const evidenceRow = z.object({
  attached: z.array(identifierKey.extend({ eventId: z.string(), personaId: z.string() })),
  ended: z.array(
    identifierKey.extend({
      n: z.number(),
      eventId: z.string(),
      personaId: z.string(),
      reason: z.enum(['REPLACED', 'RECYCLED']),
    }),
  ),
});
const recordsRow = z.object({
  shared: z.array(sharedRow),
  factsBefore: z.array(
    z.object({
      personaKey: z.string(),
      key: z.string(),
      value: z.string().nullable(),
      at: z.string().nullable(),
    }),
  ),
  facts: z.array(
    z.object({ n: z.number(), personaId: z.string(), unmapped: z.boolean(), sensitive: z.boolean() }),
  ),
  consentsBefore: z.array(
    z.object({
      personaKey: z.string(),
      purpose: z.string(),
      channel: z.string(),
      type: z.string(),
      value: z.string(),
      granted: z.boolean().nullable(),
      at: z.string().nullable(),
    }),
  ),
  consents: z.array(z.object({ n: z.number(), personaId: z.string() })),
  unmappedTags: z.array(z.object({ kind: z.string(), code: z.string(), vocabulary: z.string().nullable() })),
});
export type EvidenceResult = z.output<typeof nodesRow> &
  z.output<typeof evidenceRow> &
  z.output<typeof recordsRow>;

/** The row shapes a nested read's composed statement shares with these (nested.repository.ts). */
export const shapes = { channel, collectionMethod, identifierKey, identifier, persona, device };

const closureRow = z.object({
  personaId: z.string(),
  personId: z.string().nullable(),
  neighbourIds: z.array(z.string()),
});
export type ClosureRow = z.output<typeof closureRow>;

export class IdentityRepository {
  constructor(private readonly graph: Graph) {}

  /** Which of these event ids are stored already (an import resuming a batch counts them). */
  async existingEventIds(ids: string[]): Promise<Set<string>> {
    const rows = await readChecked(this.graph, 'import/existing-events', z.object({ id: z.string() }), {
      ids,
    });
    return new Set(rows.map((r) => r.id));
  }

  // ---- identifier types
  async identifierTypes() {
    const rows = await readChecked(
      this.graph,
      'identity/identifier-types',
      z.object({ type: identifierType }),
    );
    return rows.map((r) => r.type);
  }

  async defineIdentifierType(tx: Tx, type: z.input<typeof identifierType>) {
    const rows = await runChecked(tx, 'identity/define-identifier-type', z.object({ type: identifierType }), {
      ...type,
    });
    return rows[0]!.type;
  }

  async identifiersOfType(tx: Tx, type: string) {
    return runChecked(tx, 'identity/identifiers-of-type', identifierKey, { type });
  }

  // ---- ingestion: three statements for a batch's evidence (cypher/identity/ingest-*.cypher)
  async storeNodes(tx: Tx, params: NodesParams) {
    const [row] = await runChecked(tx, 'identity/ingest-nodes', nodesRow, { ...params });
    return row!;
  }

  async storeEvidence(tx: Tx, params: EvidenceStepParams) {
    const [row] = await runChecked(tx, 'identity/ingest-evidence', evidenceRow, { ...params });
    // Recycled memberships come back grouped by identifier; the plan's order is the batch's (stable sort).
    return { ...row!, ended: [...row!.ended].sort((a, b) => a.n - b.n) };
  }

  async storeRecords(tx: Tx, params: RecordsParams) {
    const [row] = await runChecked(tx, 'identity/ingest-records', recordsRow, { ...params });
    return row!;
  }

  async refreshShared(tx: Tx, identifiers: z.input<typeof identifierKey>[]) {
    if (!identifiers.length) return [];
    return runChecked(tx, 'identity/refresh-shared', sharedRow, { identifiers });
  }

  // ---- grouping
  /** Takes the grouping lock and reads what a regrouping from these seeds can touch. */
  async groupingClosure(tx: Tx, seeds: string[]): Promise<ClosureRow[]> {
    return runChecked(tx, 'identity/grouping-closure', closureRow, { seeds });
  }

  /** Personas still grouped with another through WEAK evidence that has gone stale (cypher/identity/stale-glue). */
  async staleGlue(): Promise<string[]> {
    const rows = await readChecked(this.graph, 'identity/stale-glue', z.object({ personaId: z.string() }));
    return rows.map((r) => r.personaId);
  }

  async applyGrouping(tx: Tx, assignments: { personaId: string; personId: string }[], emptied: string[]) {
    if (assignments.length || emptied.length)
      await tx.run('identity/apply-grouping', { assignments, emptied });
  }

  async currentPersons(tx: Tx, ids: string[]) {
    return runChecked(
      tx,
      'identity/current-persons',
      z.object({ personaId: z.string(), personId: z.string().nullable(), memberIds: z.array(z.string()) }),
      { ids },
    );
  }

  async assertSamePerson(tx: Tx, a: string, b: string, evidence: string, actor: string): Promise<boolean> {
    const [row] = await runChecked(tx, 'identity/assert-same-person', z.object({ found: z.number() }), {
      a,
      b,
      evidence,
      actor,
    });
    return (row?.found ?? 0) > 0;
  }

  async revokeSamePerson(tx: Tx, a: string, b: string, reason: string, actor: string): Promise<number> {
    const [row] = await runChecked(tx, 'identity/revoke-same-person', z.object({ revoked: z.number() }), {
      a,
      b,
      reason,
      actor,
    });
    return row?.revoked ?? 0;
  }

  async detachIdentifier(
    tx: Tx,
    personaId: string,
    key: z.input<typeof identifierKey>,
    reason: string,
    actor: string,
  ) {
    const [row] = await runChecked(tx, 'identity/detach-identifier', z.object({ detached: z.number() }), {
      personaId,
      ...key,
      reason,
      actor,
    });
    return (row?.detached ?? 0) > 0;
  }

  // ---- reads (batched by the loaders)
  async personasByIds(ids: readonly string[]) {
    return (await readChecked(this.graph, 'identity/personas-by-ids', z.object({ persona }), { ids })).map(
      (r) => r.persona,
    );
  }

  async personasByKeys(keys: readonly string[]) {
    return (await readChecked(this.graph, 'identity/personas-by-keys', z.object({ persona }), { keys })).map(
      (r) => r.persona,
    );
  }

  async personsByIds(ids: readonly string[]): Promise<string[]> {
    return (
      await readChecked(this.graph, 'identity/persons-by-ids', z.object({ id: z.string() }), { ids })
    ).map((r) => r.id);
  }

  async personOfPersonas(ids: readonly string[]) {
    return readChecked(
      this.graph,
      'identity/person-of-personas',
      z.object({ personaId: z.string(), personId: z.string() }),
      {
        ids,
      },
    );
  }

  async personasOfPersons(ids: readonly string[]) {
    return readChecked(
      this.graph,
      'identity/personas-of-persons',
      z.object({ personId: z.string(), persona }),
      { ids },
    );
  }

  async identifiersOfPersonas(ids: readonly string[]) {
    return readChecked(
      this.graph,
      'identity/identifiers-of-personas',
      z.object({ personaId: z.string(), identifier }),
      {
        ids,
      },
    );
  }

  async devicesOfPersonas(ids: readonly string[]) {
    return readChecked(
      this.graph,
      'identity/devices-of-personas',
      z.object({ personaId: z.string(), device }),
      { ids },
    );
  }

  async factsOfPersonas(ids: readonly string[]) {
    return readChecked(this.graph, 'identity/facts-of-personas', factRow, { ids });
  }

  async consentsOfPersonas(ids: readonly string[]) {
    const rows = await readChecked(
      this.graph,
      'identity/consents-of-personas',
      z.object({
        personaId: z.string(),
        consent: z.object({
          id: z.string(),
          purpose: z.string(),
          channel,
          granted: z.boolean(),
          at: z.string(),
        }),
        identifier: identifierKey.nullable(),
      }),
      { ids },
    );
    return rows.map((r) => ({ ...r.consent, personaId: r.personaId, identifier: r.identifier }));
  }

  async identifiersByKeys(keys: readonly z.input<typeof identifierKey>[]) {
    const rows = await readChecked(this.graph, 'identity/identifiers-by-keys', z.object({ identifier }), {
      keys,
    });
    return rows.map((r) => r.identifier);
  }

  async personasOfIdentifiers(keys: readonly z.input<typeof identifierKey>[]) {
    return readChecked(this.graph, 'identity/personas-of-identifiers', identifierKey.extend({ persona }), {
      keys,
    });
  }

  async membershipsOfIdentifiers(keys: readonly z.input<typeof identifierKey>[]) {
    return readChecked(
      this.graph,
      'identity/memberships-of-identifiers',
      identifierKey.extend({
        persona,
        from: z.string(),
        lastSeen: z.string(),
        strength: z.enum(['STRONG', 'WEAK']),
        to: z.string().nullable(),
        endedBy: z.string().nullable(),
      }),
      { keys },
    );
  }

  async devicesOfIdentifiers(keys: readonly z.input<typeof identifierKey>[]) {
    return readChecked(this.graph, 'identity/devices-of-identifiers', identifierKey.extend({ device }), {
      keys,
    });
  }

  async identifiersOfDevices(ids: readonly string[]) {
    return readChecked(
      this.graph,
      'identity/identifiers-of-devices',
      z.object({ deviceId: z.string(), identifier }),
      {
        ids,
      },
    );
  }

  async personasOfDevices(ids: readonly string[]) {
    return readChecked(
      this.graph,
      'identity/personas-of-devices',
      z.object({ deviceId: z.string(), persona }),
      { ids },
    );
  }

  async eventById(id: string) {
    const [row] = await readChecked(
      this.graph,
      'identity/event-by-id',
      z.object({
        event: z.object({ id: z.string(), type: z.string(), occurredAt: z.string(), source: z.string() }),
        personaId: z.string().nullable(),
        identifiers: z.array(identifier),
        mentions: z.array(z.object({ role: z.string(), identifier })),
      }),
      { id },
    );
    return row ?? null;
  }
}
