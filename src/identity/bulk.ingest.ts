// `idgraph import --bulk`: the ingest of IngestService, batch by batch with the same pure steps
// (prepare, plan, grouping, changes), on a graph held in memory (bulk.graph.ts) instead of Neo4j, so a
// whole file becomes the CSV files of Neo4j's offline importer. The graph it describes is the one
// `idgraph import` builds from the same file with the same batch size into an empty store: same nodes,
// properties, relationships, persons and changes; only random ids, transaction ids and clock times differ.
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../config.js';
import type { EventInput, IngestResult } from '../generated/graphql.js';
import { DateTimeValue, type ImportCsvFiles } from '../graph/import-csv-files.js';
import type { ChangeInput } from '../outbox/outbox.model.js';
import { changesToRecord } from './change-recording.js';
import { planRegrouping, groupingChange, type Regrouping } from './grouping.js';
import { BulkGraph, type BulkRegistry } from './bulk.graph.js';
import type { ClosureRow } from './identity.repository.js';
import { ingestChanges } from './ingest.changes.js';
import type { KnowledgeIngest } from './ingest.knowledge.js';
import {
  evidenceParams,
  nodesParams,
  planEvidence,
  recordsParams,
  type PreparedEvent,
} from './ingest.plan.js';
import {
  eventPreparer,
  holdersChanged,
  ingestResult,
  prepareBatch,
  regroupSeeds,
  unmappedOf,
} from './ingest.service.js';

/** An event the bulk path cannot take: the whole import stops before anything is written. */
export class BulkUnsupported extends Error {}

const dayMs = 86_400_000;

export class BulkIngest {
  private readonly graph: BulkGraph;
  /** Person id → its personas' ids and when each joined; persona id → person id. */
  private readonly persons = new Map<string, { createdAt: string; members: Map<string, string> }>();
  private readonly personOf = new Map<string, string>();
  changes = 0;
  private lastNow = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly profile: KnowledgeIngest,
    private readonly rules: unknown,
    private readonly registry: BulkRegistry,
    private readonly out: ImportCsvFiles,
  ) {
    this.graph = new BulkGraph(out, registry);
  }

  /** IngestService.ingest's contract, so importEvents drives it (batches, rejects, progress). */
  async ingest(events: EventInput[]): Promise<IngestResult> {
    const prepare = eventPreparer(this.config, this.profile, this.registry.types, this.rules);
    const batch = prepareBatch(events, (event, index, ignored) => {
      if (event.asked?.length || event.answers?.length)
        throw new BulkUnsupported(
          `event ${event.id} asks questions or answers them, which import --bulk does not take yet: use idgraph import`,
        );
      return prepare(event, index, ignored);
    });
    // Nothing is erased in an empty store, so no identifier is dropped as erased (src/access/erased.ts).
    if (batch.prepared.length === 0) return ingestResult(batch, { created: 0, unmapped: [] });
    return ingestResult(batch, this.store(batch.prepared));
  }

  /** IngestService.store, on the graph in memory; `now` stands for the transaction's datetime(). */
  private store(prepared: PreparedEvent[]) {
    // Each batch a later instant than the last, as each transaction's is: changes are ordered by it.
    this.lastNow = Math.max(Date.now(), this.lastNow + 1);
    const now = new Date(this.lastNow).toISOString();
    const recycleAfterDays = (type: string) => this.registry.types.get(type)?.recycleAfterDays ?? null;
    const params = planEvidence(randomUUID(), prepared, recycleAfterDays);
    const nodes = this.graph.storeNodes(nodesParams(params), now);
    const freshIds = new Set(nodes.fresh);
    const fresh = prepared.filter((p) => freshIds.has(p.row.id));
    if (fresh.length === 0) return { created: 0, unmapped: [] };
    const evidence = this.graph.storeEvidence(evidenceParams(params, freshIds));
    const records = this.graph.storeRecords(recordsParams(params, freshIds, holdersChanged(evidence)), now);
    const result = { ...nodes, ...evidence, ...records };
    const regrouping = this.regroup(regroupSeeds(result), now);
    this.record(changesToRecord(ingestChanges(fresh, params, result, regrouping), 'import'), now);
    return { created: fresh.length, unmapped: unmappedOf(result, params, []) };
  }

  /** grouping.ts regroup: the closure (grouping-closure.cypher) read here, the same plan, applied here. */
  private regroup(seeds: string[], now: string): Regrouping {
    let ask = [...new Set(seeds)];
    if (ask.length === 0) return { transitions: [], personOf: new Map(), changes: [] };
    const rows = new Map<string, ClosureRow>();
    while (ask.length > 0) {
      for (const row of this.closure(ask, now)) rows.set(row.personaId, row);
      ask = [...new Set([...rows.values()].flatMap((r) => r.neighbourIds))].filter((id) => !rows.has(id));
    }
    const plan = planRegrouping([...rows.values()]);
    for (const { personaId, personId } of plan.assignments) {
      const old = this.personOf.get(personaId);
      if (old) this.persons.get(old)?.members.delete(personaId);
      let person = this.persons.get(personId);
      if (!person) {
        person = { createdAt: now, members: new Map() };
        this.persons.set(personId, person);
      }
      if (!person.members.has(personaId)) person.members.set(personaId, now);
      this.personOf.set(personaId, personId);
    }
    for (const id of plan.emptied) if (this.persons.get(id)?.members.size === 0) this.persons.delete(id);
    const cause = { event: null, action: null };
    return {
      transitions: plan.transitions,
      personOf: plan.personOf,
      changes: plan.transitions.map((t) => groupingChange(t, cause)),
    };
  }

  /** The personas holding an identifier with this one that is not shared (itself among them). */
  private sharers(personaId: string): string[] {
    const p = this.graph.personaById.get(personaId)!;
    const found: string[] = [];
    for (const key of p.identifiers) {
      const i = this.graph.identifiers.get(key)!;
      if (i.shared) continue;
      for (const holderKey of i.holders.keys()) found.push(this.graph.personas.get(holderKey)!.id);
    }
    return found;
  }

  /** grouping-closure.cypher: the seeds, their neighbours and their persons' personas, each with its neighbours. */
  private closure(seeds: string[], now: string): ClosureRow[] {
    const reach = new Set<string>();
    for (const s of seeds) {
      if (!this.graph.personaById.has(s)) continue;
      const near = new Set([s, ...this.sharers(s)]);
      for (const n of near) {
        reach.add(n);
        const person = this.personOf.get(n);
        if (person) for (const member of this.persons.get(person)!.members.keys()) reach.add(member);
      }
    }
    return [...reach].map((personaId) => ({
      personaId,
      personId: this.personOf.get(personaId) ?? null,
      neighbourIds: [...new Set(this.neighbours(personaId, now))],
    }));
  }

  /** Personas sharing a non-shared identifier with this one by evidence that has not gone stale. */
  private neighbours(personaId: string, now: string): string[] {
    const p = this.graph.personaById.get(personaId)!;
    const result: string[] = [];
    for (const key of p.identifiers) {
      const i = this.graph.identifiers.get(key)!;
      if (i.shared) continue;
      const hp = i.holders.get(p.key)!;
      const staleDays = this.registry.types.get(i.type)?.staleAfterDays ?? null;
      const stale = (h: { strength: string; lastAt?: string; since: string }) =>
        staleDays !== null &&
        h.strength === 'WEAK' &&
        Date.parse(h.lastAt ?? h.since) < Date.parse(now) - staleDays * dayMs;
      for (const [holderKey, hq] of i.holders) {
        if (holderKey === p.key) continue;
        if (stale(hp) || stale(hq)) continue;
        result.push(this.graph.personas.get(holderKey)!.id);
      }
    }
    return result;
  }

  /** changes/append.cypher: the batch's changes, unsequenced, in the order recorded. */
  private record(changes: ChangeInput[], now: string): void {
    const txKey = randomUUID();
    changes.forEach((change, ordinal) => {
      this.changes++;
      this.out.node(this.graph.id(), ['Change', 'Unsequenced'], {
        id: randomUUID(),
        type: change.type,
        at: new DateTimeValue(now),
        txKey,
        ordinal,
        personaIds: change.personaIds,
        personIds: change.personIds,
        data: change.data === undefined ? null : JSON.stringify(change.data),
      });
    });
  }

  /** Writes the graph's last state and the persons; the files are then complete. */
  finish(): { persons: number } {
    this.graph.finish();
    for (const [personId, person] of this.persons) {
      const nid = this.graph.id();
      this.out.node(nid, ['Person'], { id: personId, createdAt: new DateTimeValue(person.createdAt) });
      for (const [personaId, since] of person.members)
        this.out.relationship('HAS_PERSONA', nid, this.graph.personaById.get(personaId)!.nid, {
          since: new DateTimeValue(since),
        });
    }
    return { persons: this.persons.size };
  }
}
