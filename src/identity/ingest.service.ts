// Ingestion under the rules of evidence: validates and normalizes each event on its own (a bad one is
// rejected with its reason, the rest land), then stores the batch in one idempotent write transaction.
import { randomUUID } from 'node:crypto';
import { recordChanges } from '../outbox/outbox.js';
import { changesToRecord, type ChangeRecording } from './change-recording.js';
import type { AppConfig } from '../config.js';
import { badUserInput } from '../errors.js';
import type { EventInput, IngestResult } from '../generated/graphql.js';
import type { Graph, Tx } from '../graph/run.js';
import { personIdsOf, regroup } from './grouping.js';
import { identifierKey, type IdentifierKey, type IdentifierTypeModel } from './identity.model.js';
import { IdentityRepository, type EvidenceResult } from './identity.repository.js';
import { ingestChanges } from './ingest.changes.js';
import { KnowledgeRejected, type KnowledgeIngest } from './ingest.knowledge.js';
import {
  evidenceParams,
  nodesParams,
  planEvidence,
  recordsParams,
  type EvidenceParams,
  type PreparedEvent,
} from './ingest.plan.js';
import { EventRejected, prepareEvent, type Ignored } from './ingest.prepare.js';
import { dropErasedIdentifiers } from '../access/erased.js';

type Rejection = IngestResult['rejected'][number];

/**
 * A batch's events prepared one by one (ingest.prepare.ts): each rejected with its reason, or kept
 * once (a repeated id in the batch is a duplicate), in batch order with its index.
 */
export function prepareBatch(
  events: EventInput[],
  prepare: (event: EventInput, index: number, ignored: Ignored[]) => PreparedEvent,
) {
  const rejected: Rejection[] = [];
  const ignored: Ignored[] = [];
  const prepared: PreparedEvent[] = [];
  const indexes: number[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  for (const [index, event] of events.entries()) {
    try {
      const ready = prepare(event, index, ignored);
      if (seen.has(ready.row.id)) {
        duplicates++;
        continue;
      }
      seen.add(ready.row.id);
      prepared.push(ready);
      indexes.push(index);
    } catch (error) {
      if (!(error instanceof EventRejected || error instanceof KnowledgeRejected)) throw error;
      const code = error instanceof KnowledgeRejected ? error.code : 'BAD_USER_INPUT';
      rejected.push({ index, id: event.id || null, code, message: error.message });
    }
  }
  return { prepared, indexes, rejected, ignored, duplicates };
}

/** The codes a batch used that the taxonomy does not know yet: tags, fact keys, questions. */
export function unmappedOf(
  result: Pick<EvidenceResult, 'unmappedTags' | 'facts'>,
  params: Pick<EvidenceParams, 'facts'>,
  learned: { kind: string; code: string }[],
): { kind: string; code: string }[] {
  const unmapped = new Map<string, { kind: string; code: string }>();
  for (const t of result.unmappedTags) {
    const kind = t.kind === 'term' ? `term:${t.vocabulary}` : t.kind;
    unmapped.set(`${kind}/${t.code}`, { kind, code: t.code });
  }
  for (const f of result.facts.filter((f) => f.unmapped)) {
    const key = params.facts[f.n]!.key;
    unmapped.set(`fact-key/${key}`, { kind: 'fact-key', code: key });
  }
  for (const u of learned) unmapped.set(`${u.kind}/${u.code}`, u);
  return [...unmapped.values()];
}

/** How ingest prepares each event of a batch (ingest.prepare.ts), with the registry and rules it read. */
export function eventPreparer(
  { limits, defaultRegion }: Pick<AppConfig, 'limits' | 'defaultRegion'>,
  profile: KnowledgeIngest,
  types: Map<string, IdentifierTypeModel>,
  rules: unknown,
): (event: EventInput, index: number, ignored: Ignored[]) => PreparedEvent {
  return (event, index, ignored) =>
    prepareEvent(event, index, { limits, defaultRegion, types, ignored, profile, rules });
}

/** The answer for a prepared batch of which `outcome.created` events were new (the rest: duplicates). */
export function ingestResult(
  batch: Pick<ReturnType<typeof prepareBatch>, 'prepared' | 'rejected' | 'ignored' | 'duplicates'>,
  outcome: { created: number; unmapped: IngestResult['unmapped'] },
): IngestResult {
  const { prepared, rejected, ignored, duplicates } = batch;
  return {
    accepted: outcome.created,
    duplicates: duplicates + prepared.length - outcome.created,
    rejected,
    ignored,
    unmapped: outcome.unmapped,
  };
}

/** Identifiers whose holders changed (attached or ended): their shared flag is recomputed. */
export function holdersChanged(evidence: Pick<EvidenceResult, 'attached' | 'ended'>): IdentifierKey[] {
  const changed = new Map(
    [...evidence.attached, ...evidence.ended].map((a) => [
      identifierKey(a),
      { type: a.type, value: a.value },
    ]),
  );
  return [...changed.values()];
}

/**
 * The personas a stored batch may have regrouped: created ones, those that gained or lost an
 * identifier, and the holders of an identifier whose shared flag flipped.
 */
export function regroupSeeds(
  result: Pick<EvidenceResult, 'personas' | 'attached' | 'ended' | 'shared'>,
): string[] {
  return [
    ...result.personas.filter((p) => p.created).map((p) => p.id),
    ...result.attached.map((a) => a.personaId),
    ...result.ended.map((a) => a.personaId),
    ...result.shared.filter((r) => r.flipped).flatMap((r) => r.holderIds),
  ];
}

export class IngestService {
  private readonly repo: IdentityRepository;

  constructor(
    private readonly graph: Graph,
    private readonly config: AppConfig,
    /** The customer-knowledge steps (profile's), handed in by the composition root. */
    private readonly profile: KnowledgeIngest,
    /** 'import' (idgraph import): record only what an integrator acts on (./change-recording.ts). */
    private readonly recording: ChangeRecording = 'all',
  ) {
    this.repo = new IdentityRepository(graph);
  }

  async ingest(events: EventInput[]): Promise<IngestResult> {
    if (events.length > this.config.limits.maxBatchSize) {
      throw badUserInput(`A batch holds at most ${this.config.limits.maxBatchSize} events; split it.`);
    }
    const [typeList, rules] = await Promise.all([this.repo.identifierTypes(), this.profile.rules()]);
    const types = new Map(typeList.map((t) => [t.name, t]));
    const batch = prepareBatch(events, eventPreparer(this.config, this.profile, types, rules));
    const { prepared, indexes, ignored } = batch;
    // Erased identifiers stay erased (src/access/erased.ts): one read for the batch.
    ignored.push(
      ...(await dropErasedIdentifiers(
        this.graph,
        this.config.privacy.erasureSecret,
        prepared.map((p, i) => ({
          index: indexes[i]!,
          id: p.row.id,
          identifiers: p.identifiers,
          mentions: p.mentions,
          grantsConsent: p.consents.some((c) => c.granted),
        })),
      )),
    );
    if (prepared.length === 0) return ingestResult(batch, { created: 0, unmapped: [] });

    const recycleAfterDays = (type: string) => types.get(type)?.recycleAfterDays ?? null;
    const outcome = await this.graph.writeTx('ingest', (tx) => this.store(tx, prepared, recycleAfterDays));
    return ingestResult(batch, outcome);
  }

  /**
   * The write transaction, idempotent so the driver may retry it: three statements store the evidence
   * (nodes; evidence of the new events; facts, consents and tags), the personas it touched are
   * regrouped (one statement under the grouping lock, one to write the outcome), and the changes are
   * recorded (one statement): the same seven round trips, with the registry read, for any batch size. The Node work between them is small and
   * pure (ingest.plan.ts, grouping.ts, ingest.changes.ts).
   */
  private async store(tx: Tx, prepared: PreparedEvent[], recycleAfterDays: (type: string) => number | null) {
    const params = planEvidence(randomUUID(), prepared, recycleAfterDays);
    const nodes = await this.repo.storeNodes(tx, nodesParams(params));
    const freshIds = new Set(nodes.fresh);
    const fresh = prepared.filter((p) => freshIds.has(p.row.id));
    if (fresh.length === 0) return { created: 0, unmapped: [] };
    const evidence = await this.repo.storeEvidence(tx, evidenceParams(params, freshIds));
    const records = await this.repo.storeRecords(
      tx,
      recordsParams(params, freshIds, holdersChanged(evidence)),
    );
    const result = { ...nodes, ...evidence, ...records };

    const regrouping = await regroup(tx, this.repo, regroupSeeds(result));
    const learned = await this.profile.store(
      tx,
      fresh.map((p) => ({ eventId: p.row.id, ...p.knowledge })),
      (personaId) => personIdsOf(regrouping, [personaId]),
    );
    await recordChanges(
      tx,
      changesToRecord(
        [...ingestChanges(fresh, params, result, regrouping), ...learned.changes],
        this.recording,
      ),
    );

    return { created: fresh.length, unmapped: unmappedOf(result, params, learned.unmapped) };
  }
}
