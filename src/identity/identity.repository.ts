// The only code that names identity queries; returns plain models. Write helpers take the caller's
// transaction so a service can compose one atomic, idempotent unit of work.
import type { Graph, Tx } from '../graph/run.js';
import type {
  ConsentModel,
  DeviceModel,
  EventModel,
  FactModel,
  IdentifierKey,
  IdentifierModel,
  IdentifierTypeModel,
  MentionModel,
  PersonaModel,
} from './identity.model.js';

export interface EventRow {
  id: string;
  type: string;
  occurredAt: string;
  source: string;
  channel: string | null;
  purpose: string | null;
  authenticated: boolean;
  personaKey: string | null;
}

export interface FactRow {
  personaId: string;
  fact: Omit<FactModel, 'personaId' | 'value'> & { value: string };
  sensitive: boolean;
}

export function parseFact(row: FactRow): FactModel & { sensitive: boolean } {
  let value: unknown = row.fact.value;
  try {
    value = JSON.parse(row.fact.value);
  } catch {
    // Stored before values were JSON-encoded: return as is.
  }
  return { ...row.fact, value, personaId: row.personaId, sensitive: row.sensitive };
}

export class IdentityRepository {
  constructor(private readonly graph: Graph) {}

  // ---- identifier types
  async identifierTypes(): Promise<IdentifierTypeModel[]> {
    const rows = await this.graph.read<{ type: IdentifierTypeModel }>('identity/identifier-types');
    return rows.map((r) => r.type);
  }

  async defineIdentifierType(tx: Tx, type: IdentifierTypeModel): Promise<IdentifierTypeModel> {
    const [row] = await tx.run<{ type: IdentifierTypeModel }>('identity/define-identifier-type', { ...type });
    return row!.type;
  }

  async identifiersOfType(tx: Tx, type: string): Promise<IdentifierKey[]> {
    return tx.run<{ type: string; value: string }>('identity/identifiers-of-type', { type });
  }

  // ---- ingestion steps (one write transaction)
  async createEvents(tx: Tx, txId: string, events: EventRow[]): Promise<Set<string>> {
    const rows = await tx.run<{ id: string }>('identity/create-events', { txId, events });
    return new Set(rows.map((r) => r.id));
  }

  async mergeIdentifiers(tx: Tx, txId: string, identifiers: IdentifierKey[]): Promise<void> {
    if (identifiers.length) await tx.run('identity/merge-identifiers', { txId, identifiers });
  }

  async mergeDevices(tx: Tx, devices: Record<string, unknown>[]): Promise<void> {
    if (devices.length) await tx.run('identity/merge-devices', { devices });
  }

  async mergePersonas(
    tx: Tx,
    txId: string,
    personas: { key: string; context: string | null; label: string | null; at: string }[],
  ) {
    if (!personas.length) return [];
    return tx.run<{ key: string; id: string; created: boolean; changed: boolean }>(
      'identity/merge-personas',
      {
        txId,
        personas,
      },
    );
  }

  async connectEventsBy(tx: Tx, rows: Record<string, unknown>[]): Promise<void> {
    if (rows.length) await tx.run('identity/event-by', { rows });
  }

  async attachIdentifiers(tx: Tx, txId: string, rows: Record<string, unknown>[]) {
    if (!rows.length) return [];
    return tx.run<{ personaId: string; type: string; value: string; created: boolean }>(
      'identity/attach-identifiers',
      { txId, rows },
    );
  }

  async linkIdentifiers(tx: Tx, rows: Record<string, unknown>[]): Promise<void> {
    if (rows.length) await tx.run('identity/link-identifiers', { rows });
  }

  async observe(tx: Tx, observations: Record<string, unknown>[], uses: Record<string, unknown>[]) {
    if (observations.length || uses.length)
      await tx.run('identity/observe-identifiers', { observations, uses });
  }

  async recordMentions(tx: Tx, rows: Record<string, unknown>[]): Promise<void> {
    if (rows.length) await tx.run('identity/record-mentions', { rows });
  }

  async recordFacts(tx: Tx, rows: Record<string, unknown>[]) {
    if (!rows.length) return [];
    return tx.run<{ key: string; unmapped: boolean; personaId: string }>('identity/record-facts', { rows });
  }

  async recordConsents(tx: Tx, rows: Record<string, unknown>[]) {
    if (!rows.length) return [];
    return tx.run<{ personaId: string }>('identity/record-consents', { rows });
  }

  async tagEvents(tx: Tx, rows: Record<string, unknown>[]) {
    if (!rows.length) return [];
    return tx.run<{ kind: string; code: string; vocabulary: string | null; unmapped: boolean }>(
      'identity/tag-events',
      { rows },
    );
  }

  async refreshShared(tx: Tx, identifiers: IdentifierKey[]) {
    if (!identifiers.length) return [];
    return tx.run<{ type: string; value: string; shared: boolean; flipped: boolean; holderIds: string[] }>(
      'identity/refresh-shared',
      { identifiers },
    );
  }

  // ---- grouping
  async lockGrouping(tx: Tx): Promise<void> {
    await tx.run('identity/lock-grouping');
  }

  async groupingNeighbours(tx: Tx, ids: string[]) {
    return tx.run<{ id: string; neighbourId: string }>('identity/grouping-neighbours', { ids });
  }

  async currentPersons(tx: Tx, ids: string[]) {
    return tx.run<{ personaId: string; personId: string | null; memberIds: string[] }>(
      'identity/current-persons',
      { ids },
    );
  }

  async assignPersons(tx: Tx, assignments: { personaId: string; personId: string }[]): Promise<void> {
    if (assignments.length) await tx.run('identity/assign-persons', { assignments });
  }

  async removeEmptyPersons(tx: Tx, personIds: string[]): Promise<void> {
    if (personIds.length) await tx.run('identity/remove-empty-persons', { personIds });
  }

  async assertSamePerson(tx: Tx, a: string, b: string, evidence: string, actor: string): Promise<boolean> {
    const [row] = await tx.run<{ found: number }>('identity/assert-same-person', { a, b, evidence, actor });
    return (row?.found ?? 0) > 0;
  }

  async revokeSamePerson(tx: Tx, a: string, b: string, reason: string, actor: string): Promise<number> {
    const [row] = await tx.run<{ revoked: number }>('identity/revoke-same-person', { a, b, reason, actor });
    return row?.revoked ?? 0;
  }

  async detachIdentifier(tx: Tx, personaId: string, key: IdentifierKey, reason: string, actor: string) {
    const [row] = await tx.run<{ detached: number }>('identity/detach-identifier', {
      personaId,
      ...key,
      reason,
      actor,
    });
    return (row?.detached ?? 0) > 0;
  }

  // ---- reads (batched by the loaders)
  async personasByIds(ids: readonly string[]): Promise<PersonaModel[]> {
    return (await this.graph.read<{ persona: PersonaModel }>('identity/personas-by-ids', { ids })).map(
      (r) => r.persona,
    );
  }

  async personasByKeys(keys: readonly string[]): Promise<PersonaModel[]> {
    const rows = await this.graph.read<{ persona: PersonaModel }>('identity/personas-by-keys', { keys });
    return rows.map((r) => r.persona);
  }

  async personsByIds(ids: readonly string[]): Promise<string[]> {
    return (await this.graph.read<{ id: string }>('identity/persons-by-ids', { ids })).map((r) => r.id);
  }

  async personOfPersonas(ids: readonly string[]) {
    return this.graph.read<{ personaId: string; personId: string }>('identity/person-of-personas', { ids });
  }

  async personasOfPersons(ids: readonly string[]) {
    return this.graph.read<{ personId: string; persona: PersonaModel }>('identity/personas-of-persons', {
      ids,
    });
  }

  async identifiersOfPersonas(ids: readonly string[]) {
    return this.graph.read<{ personaId: string; identifier: IdentifierModel }>(
      'identity/identifiers-of-personas',
      {
        ids,
      },
    );
  }

  async devicesOfPersonas(ids: readonly string[]) {
    return this.graph.read<{ personaId: string; device: DeviceModel }>('identity/devices-of-personas', {
      ids,
    });
  }

  async factsOfPersonas(ids: readonly string[]) {
    return (await this.graph.read<FactRow>('identity/facts-of-personas', { ids })).map(parseFact);
  }

  async consentsOfPersonas(ids: readonly string[]): Promise<ConsentModel[]> {
    const rows = await this.graph.read<{
      personaId: string;
      consent: Omit<ConsentModel, 'personaId' | 'identifier'>;
      identifier: IdentifierKey | null;
    }>('identity/consents-of-personas', { ids });
    return rows.map((r) => ({ ...r.consent, personaId: r.personaId, identifier: r.identifier }));
  }

  async identifiersByKeys(keys: readonly IdentifierKey[]): Promise<IdentifierModel[]> {
    const rows = await this.graph.read<{ identifier: IdentifierModel }>('identity/identifiers-by-keys', {
      keys,
    });
    return rows.map((r) => r.identifier);
  }

  async personasOfIdentifiers(keys: readonly IdentifierKey[]) {
    return this.graph.read<{ type: string; value: string; persona: PersonaModel }>(
      'identity/personas-of-identifiers',
      { keys },
    );
  }

  async devicesOfIdentifiers(keys: readonly IdentifierKey[]) {
    return this.graph.read<{ type: string; value: string; device: DeviceModel }>(
      'identity/devices-of-identifiers',
      {
        keys,
      },
    );
  }

  async identifiersOfDevices(ids: readonly string[]) {
    return this.graph.read<{ deviceId: string; identifier: IdentifierModel }>(
      'identity/identifiers-of-devices',
      {
        ids,
      },
    );
  }

  async personasOfDevices(ids: readonly string[]) {
    return this.graph.read<{ deviceId: string; persona: PersonaModel }>('identity/personas-of-devices', {
      ids,
    });
  }

  async eventById(id: string) {
    const [row] = await this.graph.read<{
      event: EventModel;
      personaId: string | null;
      identifiers: IdentifierModel[];
      mentions: MentionModel[];
    }>('identity/event-by-id', { id });
    return row ?? null;
  }
}
