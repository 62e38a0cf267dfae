// Ingestion under the rules of evidence: validates and normalizes each event on its own (a bad one is
// rejected with its reason, the rest land), then stores the batch in one idempotent write transaction.
import { randomUUID } from 'node:crypto';
import type { ChangeInput } from '../changes/changes.model.js';
import { recordChanges } from '../changes/changes.repository.js';
import type { AppConfig } from '../config.js';
import { badUserInput } from '../errors.js';
import type { EventInput, IngestResult } from '../generated/graphql.js';
import type { Graph, Tx } from '../graph/run.js';
import { personIdsOf, regroup, sharedFlagChanges } from './grouping.js';
import type { IdentifierKey, IdentifierTypeModel, Strength } from './identity.model.js';
import { IdentityRepository, type EventRow } from './identity.repository.js';
import { normalizeIdentifier } from './normalize.js';
import { dropErasedIdentifiers } from '../privacy/erased.js';

type Ignored = IngestResult['ignored'][number];
type Rejection = IngestResult['rejected'][number];

/** One event after validation: every value normalized, ready to be written. */
interface PreparedEvent {
  row: EventRow;
  identifiers: IdentifierKey[];
  mentions: { role: string; identifier: IdentifierKey }[];
  device: {
    id: string;
    kind: string | null;
    os: string | null;
    browser: string | null;
    hardwareId: string | null;
  } | null;
  persona: { key: string; context: string | null; label: string | null } | null;
  facts: { key: string; value: string; method: string; confidence: number }[];
  consents: { purpose: string; channel: string; granted: boolean; identifier: IdentifierKey | null }[];
  tags: { kind: 'campaign' | 'asset' | 'term'; code: string; vocabulary: string | null }[];
}

class EventRejected extends Error {}

const keyOf = (i: IdentifierKey) => `${i.type}\u0000${i.value}`;
const byKey = (a: IdentifierKey, b: IdentifierKey) =>
  keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0;

export class IngestService {
  private readonly repo: IdentityRepository;

  constructor(
    private readonly graph: Graph,
    private readonly config: AppConfig,
  ) {
    this.repo = new IdentityRepository(graph);
  }

  private prepare(
    event: EventInput,
    index: number,
    types: Map<string, IdentifierTypeModel>,
    ignored: Ignored[],
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
      if (key && !identifiers.some((k) => keyOf(k) === keyOf(key))) identifiers.push(key);
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
    return {
      row: {
        id: key(event.id, 'id', true)!,
        type: key(event.type, 'type', true)!,
        occurredAt: occurredAt.toISOString(),
        source: text(event.source, 'source', true)!,
        channel: event.channel ?? null,
        purpose: key(event.purpose, 'purpose'),
        authenticated: actor.authenticated ?? false,
        personaKey: persona?.key ?? null,
      },
      identifiers,
      mentions,
      device,
      persona,
      facts,
      consents,
      tags,
    };
  }

  async ingest(events: EventInput[]): Promise<IngestResult> {
    if (events.length > this.config.limits.maxBatchSize) {
      throw badUserInput(`A batch holds at most ${this.config.limits.maxBatchSize} events; split it.`);
    }
    const types = new Map((await this.repo.identifierTypes()).map((t) => [t.name, t]));
    const rejected: Rejection[] = [];
    const ignored: Ignored[] = [];
    const prepared: PreparedEvent[] = [];
    const indexes: number[] = [];
    const seen = new Set<string>();
    let duplicates = 0;
    for (const [index, event] of events.entries()) {
      try {
        const ready = this.prepare(event, index, types, ignored);
        if (seen.has(ready.row.id)) {
          duplicates++;
          continue;
        }
        seen.add(ready.row.id);
        prepared.push(ready);
        indexes.push(index);
      } catch (error) {
        if (!(error instanceof EventRejected)) throw error;
        rejected.push({ index, id: event.id || null, code: 'BAD_USER_INPUT', message: error.message });
      }
    }
    // Erased identifiers stay erased (src/privacy/erased.ts): one read for the batch.
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

    const outcome = await this.graph.writeTx('ingest', (tx) => this.store(tx, prepared));
    return {
      accepted: outcome.created,
      duplicates: duplicates + prepared.length - outcome.created,
      rejected,
      ignored,
      unmapped: outcome.unmapped,
    };
  }

  /** The write transaction: idempotent, so the driver may retry it after a deadlock or a leader change. */
  private async store(tx: Tx, prepared: PreparedEvent[]) {
    const txId = randomUUID();
    const repo = this.repo;
    const createdIds = await repo.createEvents(
      tx,
      txId,
      prepared.map((p) => p.row),
    );
    const fresh = prepared.filter((p) => createdIds.has(p.row.id));
    if (fresh.length === 0) return { created: 0, unmapped: [] };

    const allIdentifiers = new Map<string, IdentifierKey>();
    for (const p of fresh) {
      for (const i of [...p.identifiers, ...p.mentions.map((m) => m.identifier)])
        allIdentifiers.set(keyOf(i), i);
      for (const c of p.consents) if (c.identifier) allIdentifiers.set(keyOf(c.identifier), c.identifier);
    }
    await repo.mergeIdentifiers(tx, txId, [...allIdentifiers.values()].sort(byKey));

    const evidence = (p: PreparedEvent) => ({
      eventId: p.row.id,
      source: p.row.source,
      at: p.row.occurredAt,
    });
    const strength = (p: PreparedEvent): Strength => (p.row.authenticated ? 'STRONG' : 'WEAK');
    await repo.mergeDevices(
      tx,
      fresh.flatMap((p) => (p.device ? [{ ...p.device, ...evidence(p) }] : [])),
    );

    // The latest event's context and label win for a persona named several times in one batch.
    const personas = new Map<
      string,
      { key: string; context: string | null; label: string | null; at: string }
    >();
    for (const p of [...fresh].sort((a, b) => (a.row.occurredAt < b.row.occurredAt ? -1 : 1))) {
      if (!p.persona) continue;
      const before = personas.get(p.persona.key);
      personas.set(p.persona.key, {
        key: p.persona.key,
        context: p.persona.context ?? before?.context ?? null,
        label: p.persona.label ?? before?.label ?? null,
        at: before?.at ?? p.row.occurredAt,
      });
    }
    const personaRows = await repo.mergePersonas(
      tx,
      txId,
      [...personas.values()].sort((a, b) => (a.key < b.key ? -1 : 1)),
    );

    await repo.connectEventsBy(
      tx,
      fresh.map((p) => ({
        eventId: p.row.id,
        personaKey: p.persona?.key ?? null,
        identifiers: p.identifiers,
        deviceId: p.device?.id ?? null,
      })),
    );
    const attached = await repo.attachIdentifiers(
      tx,
      txId,
      fresh.flatMap((p) =>
        p.persona
          ? p.identifiers.map((i) => ({
              personaKey: p.persona!.key,
              ...i,
              ...evidence(p),
              strength: strength(p),
            }))
          : [],
      ),
    );
    const links = fresh.flatMap((p) => {
      const sorted = [...p.identifiers].sort(byKey);
      return sorted.flatMap((a, i) =>
        sorted.slice(i + 1).map((b) => ({
          aType: a.type,
          aValue: a.value,
          bType: b.type,
          bValue: b.value,
          strength: strength(p),
          ...evidence(p),
        })),
      );
    });
    await repo.linkIdentifiers(tx, links);
    await repo.observe(
      tx,
      fresh.flatMap((p) =>
        p.device ? p.identifiers.map((i) => ({ deviceId: p.device!.id, ...i, ...evidence(p) })) : [],
      ),
      fresh.flatMap((p) =>
        p.device && p.persona
          ? [{ personaKey: p.persona.key, deviceId: p.device.id, strength: strength(p), ...evidence(p) }]
          : [],
      ),
    );
    await repo.recordMentions(
      tx,
      fresh.flatMap((p) => p.mentions.map((m) => ({ eventId: p.row.id, role: m.role, ...m.identifier }))),
    );
    const facts = await repo.recordFacts(
      tx,
      fresh.flatMap((p) => p.facts.map((f) => ({ ...f, personaKey: p.persona!.key, ...evidence(p) }))),
    );
    const consents = await repo.recordConsents(
      tx,
      fresh.flatMap((p) =>
        p.consents.map((c) => ({
          purpose: c.purpose,
          channel: c.channel,
          granted: c.granted,
          type: c.identifier?.type ?? null,
          value: c.identifier?.value ?? null,
          personaKey: p.persona!.key,
          ...evidence(p),
        })),
      ),
    );
    const tags = await repo.tagEvents(
      tx,
      fresh.flatMap((p) => p.tags.map((t) => ({ eventId: p.row.id, ...t }))),
    );

    const newlyAttached = attached.filter((a) => a.created);
    const touchedIdentifiers = new Map(
      newlyAttached.map((a) => [keyOf(a), { type: a.type, value: a.value }]),
    );
    const sharedRows = await repo.refreshShared(tx, [...touchedIdentifiers.values()].sort(byKey));
    const seeds = new Set<string>([
      ...personaRows.filter((r) => r.created).map((r) => r.id),
      ...newlyAttached.map((a) => a.personaId),
      ...sharedRows.filter((r) => r.flipped).flatMap((r) => r.holderIds),
    ]);
    const regrouping = await regroup(tx, repo, seeds);
    const personIds = (personaId: string) => personIdsOf(regrouping, [personaId]);

    const changes: ChangeInput[] = [
      ...personaRows
        .filter((r) => r.created || r.changed)
        .map((r): ChangeInput => ({
          type: r.created ? 'PERSONA_CREATED' : 'PERSONA_UPDATED',
          personaIds: [r.id],
          personIds: personIds(r.id),
          data: { key: r.key },
        })),
      ...newlyAttached.map((a): ChangeInput => ({
        type: 'IDENTIFIER_ATTACHED',
        personaIds: [a.personaId],
        personIds: personIds(a.personaId),
        data: { type: a.type, value: a.value },
      })),
      ...sharedFlagChanges(sharedRows, regrouping),
      ...regrouping.changes,
      ...facts.map((f): ChangeInput => ({
        type: 'FACT_RECORDED',
        personaIds: [f.personaId],
        personIds: personIds(f.personaId),
        data: { key: f.key },
      })),
      ...consents.map((c): ChangeInput => ({
        type: 'CONSENT_RECORDED',
        personaIds: [c.personaId],
        personIds: personIds(c.personaId),
      })),
    ];
    await recordChanges(tx, changes);

    const unmapped = new Map<string, { kind: string; code: string }>();
    for (const t of tags.filter((t) => t.unmapped)) {
      const kind = t.kind === 'term' ? `term:${t.vocabulary}` : t.kind;
      unmapped.set(`${kind}/${t.code}`, { kind, code: t.code });
    }
    for (const f of facts.filter((f) => f.unmapped))
      unmapped.set(`fact-key/${f.key}`, { kind: 'fact-key', code: f.key });
    return { created: fresh.length, unmapped: [...unmapped.values()] };
  }
}
