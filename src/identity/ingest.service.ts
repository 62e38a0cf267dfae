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
import { IdentityRepository } from './identity.repository.js';
import { ingestChanges } from './ingest.changes.js';
import { KnowledgeRejected, type KnowledgeIngest } from './ingest.knowledge.js';
import {
  evidenceParams,
  nodesParams,
  planEvidence,
  recordsParams,
  type PreparedEvent,
} from './ingest.plan.js';
import { normalizeIdentifier } from './normalize.js';
import { dropErasedIdentifiers } from '../access/erased.js';

type Ignored = IngestResult['ignored'][number];
type Rejection = IngestResult['rejected'][number];

class EventRejected extends Error {}

/** A purchase's worth: a finite amount of 0 or more, in a three-letter currency (default none). */
function money(event: EventInput): { amount: number | null; currency: string | null } {
  const amount = event.amount ?? null;
  if (amount !== null && (!Number.isFinite(amount) || amount < 0))
    throw new EventRejected('amount must be a number of 0 or more');
  const currency = event.currency?.trim().toUpperCase() || null;
  if (currency !== null && !/^[A-Z]{3}$/.test(currency))
    throw new EventRejected('currency must be a three-letter ISO 4217 code, e.g. EUR');
  if (currency !== null && amount === null) throw new EventRejected('currency needs an amount');
  return { amount, currency };
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

  private prepare(
    event: EventInput,
    index: number,
    types: Map<string, IdentifierTypeModel>,
    ignored: Ignored[],
    rules: unknown,
  ): PreparedEvent {
    const { maxStringLength: maxLength, maxKeyLength } = this.config.limits;
    const text = (
      value: string | null | undefined,
      field: string,
      required = false,
      limit = maxLength,
    ): string | null => {
      if (value === null || value === undefined || value.trim() === '') {
        if (required) throw new EventRejected(`${field} is required`);
        return null;
      }
      if (value.length > limit) throw new EventRejected(`${field} is longer than ${limit} characters`);
      return value.trim();
    };
    // Indexed values have a tighter bound: Neo4j fails the whole transaction on an over-long index key.
    const key = (value: string | null | undefined, field: string, required = false) =>
      text(value, field, required, maxKeyLength);
    const normalize = (input: { type: string; value: string }, field: string, ignore: boolean) => {
      const type = types.get(input.type);
      if (!type) {
        throw new EventRejected(
          `${field}: unknown identifier type "${input.type}"; known types: ${[...types.keys()].join(', ')} (register others with defineIdentifierType)`,
        );
      }
      if (input.value.length > maxKeyLength)
        throw new EventRejected(`${field}: value is longer than ${maxKeyLength} characters`);
      const result = normalizeIdentifier(input.value, type, this.config.defaultRegion);
      if (result.outcome === 'invalid') throw new EventRejected(`${field}: ${result.reason}`);
      if (result.outcome === 'blocked') {
        if (ignore)
          ignored.push({ index, id: event.id, type: input.type, value: input.value, reason: result.reason });
        return null;
      }
      return { type: type.name, value: result.value };
    };

    const occurredAt = new Date(String(event.occurredAt));
    if (Number.isNaN(occurredAt.getTime())) throw new EventRejected('occurredAt is not a date-time');
    const actor = event.actor;
    const persona = actor.persona
      ? {
          key: key(actor.persona.key, 'actor.persona.key', true)!,
          context: actor.persona.context ?? null,
          label: text(actor.persona.label, 'actor.persona.label'),
        }
      : null;
    const identifiers: IdentifierKey[] = [];
    for (const [i, input] of (actor.identifiers ?? []).entries()) {
      const key = normalize(input, `actor.identifiers[${i}]`, true);
      if (key && !identifiers.some((k) => identifierKey(k) === identifierKey(key))) identifiers.push(key);
    }
    const device = actor.device
      ? {
          id: key(actor.device.id, 'actor.device.id', true)!,
          kind: actor.device.kind ?? null,
          os: text(actor.device.os, 'actor.device.os'),
          browser: text(actor.device.browser, 'actor.device.browser'),
          hardwareId: key(actor.device.hardwareId, 'actor.device.hardwareId'),
        }
      : null;
    if (!persona && identifiers.length === 0 && !device) {
      throw new EventRejected(
        (actor.identifiers?.length ?? 0) > 0
          ? 'every actor identifier is blocked, and the actor names no persona or device'
          : 'actor names no persona, identifier or device',
      );
    }
    // An identifier change: the new one joins the actor's identifiers, the old one's membership ends.
    if ((event.replaces?.length ?? 0) > 0 && !persona) {
      throw new EventRejected('replaces needs actor.persona: the account whose identifier changed');
    }
    const replaced: IdentifierKey[] = [];
    for (const [i, r] of (event.replaces ?? []).entries()) {
      const old = normalize(r.old, `replaces[${i}].old`, false);
      const next = normalize(r.new, `replaces[${i}].new`, false);
      if (!old || !next)
        throw new EventRejected(`replaces[${i}]: a blocked value cannot replace or be replaced`);
      if (identifierKey(old) === identifierKey(next))
        throw new EventRejected(`replaces[${i}]: old and new are the same identifier`);
      if (old.type !== next.type)
        throw new EventRejected(
          `replaces[${i}]: old is of type ${old.type}, new of type ${next.type}; a replacement keeps its type`,
        );
      replaced.push(old);
      if (!identifiers.some((k) => identifierKey(k) === identifierKey(next))) identifiers.push(next);
    }
    if (replaced.some((old) => identifiers.some((k) => identifierKey(k) === identifierKey(old)))) {
      throw new EventRejected('replaces: the replaced identifier cannot also be one the actor used');
    }
    const mentions = (event.mentions ?? []).flatMap((m, i) => {
      const key = normalize(m.identifier, `mentions[${i}].identifier`, true);
      return key ? [{ role: text(m.role, `mentions[${i}].role`, true)!.toUpperCase(), identifier: key }] : [];
    });
    if ((event.facts?.length || event.consents?.length) && !persona) {
      throw new EventRejected('facts and consents need actor.persona: the account they belong to');
    }
    const facts = (event.facts ?? []).map((f, i) => {
      const confidence = f.confidence ?? 1;
      if (confidence < 0 || confidence > 1)
        throw new EventRejected(`facts[${i}].confidence must be between 0 and 1`);
      const value = JSON.stringify(f.value);
      if (value === undefined) throw new EventRejected(`facts[${i}].value is not JSON`);
      if (value.length > maxLength)
        throw new EventRejected(`facts[${i}].value is longer than ${maxLength} characters`);
      return { key: key(f.key, `facts[${i}].key`, true)!, value, method: f.method ?? 'DIRECT', confidence };
    });
    const consents = (event.consents ?? []).map((c, i) => ({
      purpose: key(c.purpose, `consents[${i}].purpose`, true)!,
      channel: c.channel,
      granted: c.granted,
      identifier: c.identifier ? normalize(c.identifier, `consents[${i}].identifier`, false) : null,
    }));
    const tags: PreparedEvent['tags'] = [];
    const campaign = key(event.campaign, 'campaign');
    if (campaign) tags.push({ kind: 'campaign', code: campaign, vocabulary: null });
    const asset = key(event.asset, 'asset');
    if (asset) tags.push({ kind: 'asset', code: asset, vocabulary: null });
    for (const [i, t] of (event.terms ?? []).entries()) {
      tags.push({
        kind: 'term',
        code: key(t.key, `terms[${i}].key`, true)!,
        vocabulary: key(t.vocabulary, `terms[${i}].vocabulary`, true),
      });
    }
    // Fact values against their keys; questions asked and answers, which become DIRECT facts.
    const knowledge = this.profile.prepare(event, rules, { maxLength, maxKeyLength });
    return {
      index,
      row: {
        id: key(event.id, 'id', true)!,
        type: key(event.type, 'type', true)!,
        occurredAt: occurredAt.toISOString(),
        source: text(event.source, 'source', true)!,
        channel: event.channel ?? null,
        purpose: key(event.purpose, 'purpose'),
        authenticated: actor.authenticated ?? false,
        personaKey: persona?.key ?? null,
        ...money(event),
      },
      identifiers,
      mentions,
      device,
      persona,
      facts: [...facts, ...knowledge.facts],
      consents,
      tags,
      knowledge,
      replaced,
    };
  }

  async ingest(events: EventInput[]): Promise<IngestResult> {
    if (events.length > this.config.limits.maxBatchSize) {
      throw badUserInput(`A batch holds at most ${this.config.limits.maxBatchSize} events; split it.`);
    }
    const [typeList, rules] = await Promise.all([this.repo.identifierTypes(), this.profile.rules()]);
    const types = new Map(typeList.map((t) => [t.name, t]));
    const rejected: Rejection[] = [];
    const ignored: Ignored[] = [];
    const prepared: PreparedEvent[] = [];
    const indexes: number[] = [];
    const seen = new Set<string>();
    let duplicates = 0;
    for (const [index, event] of events.entries()) {
      try {
        const ready = this.prepare(event, index, types, ignored, rules);
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
    if (prepared.length === 0) return { accepted: 0, duplicates, rejected, ignored, unmapped: [] };

    const recycleAfterDays = (type: string) => types.get(type)?.recycleAfterDays ?? null;
    const outcome = await this.graph.writeTx('ingest', (tx) => this.store(tx, prepared, recycleAfterDays));
    return {
      accepted: outcome.created,
      duplicates: duplicates + prepared.length - outcome.created,
      rejected,
      ignored,
      unmapped: outcome.unmapped,
    };
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
    // Identifiers whose holders changed: their shared flag is recomputed.
    const gained = new Map(
      [...evidence.attached, ...evidence.ended].map((a) => [
        identifierKey(a),
        { type: a.type, value: a.value },
      ]),
    );
    const records = await this.repo.storeRecords(tx, recordsParams(params, freshIds, [...gained.values()]));
    const result = { ...nodes, ...evidence, ...records };

    const seeds = [
      ...result.personas.filter((p) => p.created).map((p) => p.id),
      ...result.attached.map((a) => a.personaId),
      ...result.ended.map((a) => a.personaId),
      ...result.shared.filter((r) => r.flipped).flatMap((r) => r.holderIds),
    ];
    const regrouping = await regroup(tx, this.repo, seeds);
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

    const unmapped = new Map<string, { kind: string; code: string }>();
    for (const t of result.unmappedTags) {
      const kind = t.kind === 'term' ? `term:${t.vocabulary}` : t.kind;
      unmapped.set(`${kind}/${t.code}`, { kind, code: t.code });
    }
    for (const f of result.facts.filter((f) => f.unmapped)) {
      const key = params.facts[f.n]!.key;
      unmapped.set(`fact-key/${key}`, { kind: 'fact-key', code: key });
    }
    for (const u of learned.unmapped) unmapped.set(`${u.kind}/${u.code}`, u);
    return { created: fresh.length, unmapped: [...unmapped.values()] };
  }
}
