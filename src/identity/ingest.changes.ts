// Ingest's last pure step: what the evidence statement and the regrouping did becomes the batch's
// changes, each naming the event that caused it and carrying its values, in the order of those events
// (within one event: persona, identifiers, sharing, grouping, facts, consents), each fact said once.
import { changeTypes, type ChangeInput } from '../outbox/outbox.model.js';
import { groupingChange, personIdsOf, sharedFlagChanges, type Regrouping } from './grouping.js';
import { parseJsonText } from '../graph/rows.js';
import { identifierKey } from './identity.model.js';
import type { EvidenceResult } from './identity.repository.js';
import type { EvidenceParams, PreparedEvent } from './ingest.plan.js';
import { consentSlotKey } from './ingest.plan.js';

export function ingestChanges(
  fresh: PreparedEvent[],
  params: EvidenceParams,
  result: EvidenceResult,
  regrouping: Pick<Regrouping, 'personOf' | 'transitions'>,
): ChangeInput[] {
  const changes = new CausedChanges(fresh, regrouping);
  personaChanges(changes, params, result);
  const lastAttach = attachmentChanges(changes, result);
  detachmentChanges(changes, result);
  sharingChanges(changes, result, regrouping, lastAttach);
  for (const t of regrouping.transitions) {
    const at = changes.latestTouchOf(t.personaIds);
    changes.add(at, groupingChange(t, changes.cause(at)));
  }
  factChanges(changes, params, result);
  consentChanges(changes, params, result);
  return changes.inEventOrder();
}

/** The batch's changes as they are found, each with the place in the batch of the event that caused it. */
class CausedChanges {
  private readonly indexOf: Map<string, number>;
  private readonly byIndex: Map<number, PreparedEvent>;
  private readonly caused: { at: number; change: ChangeInput }[] = [];
  /** The latest event that touched each persona: a grouping it took part in is caused by it. */
  private readonly touched = new Map<string, number>();

  constructor(
    fresh: PreparedEvent[],
    private readonly regrouping: Pick<Regrouping, 'personOf' | 'transitions'>,
  ) {
    this.indexOf = new Map(fresh.map((p) => [p.row.id, p.index]));
    this.byIndex = new Map(fresh.map((p) => [p.index, p]));
  }

  /** The place of an event in the batch; -1 for one this batch did not create. */
  at(eventId: string): number {
    return this.indexOf.get(eventId) ?? -1;
  }

  isFresh(eventId: string): boolean {
    return this.indexOf.has(eventId);
  }

  eventAt(at: number): PreparedEvent | undefined {
    return this.byIndex.get(at);
  }

  cause(at: number) {
    return { event: this.byIndex.get(at)?.row.id ?? null, action: null };
  }

  touch(personaId: string, at: number): void {
    this.touched.set(personaId, Math.max(at, this.touched.get(personaId) ?? -1));
  }

  latestTouchOf(personaIds: string[]): number {
    return Math.max(...personaIds.map((p) => this.touched.get(p) ?? -1));
  }

  add(at: number, change: ChangeInput): void {
    this.caused.push({ at, change });
  }

  /** A change of one persona, its data led by its cause. */
  addOfPersona(
    at: number,
    type: ChangeInput['type'],
    personaId: string,
    data: Record<string, unknown>,
  ): void {
    this.add(at, {
      type,
      personaIds: [personaId],
      personIds: personIdsOf(this.regrouping, [personaId]),
      data: { ...this.cause(at), ...data },
    });
  }

  /** In the order of their events; within one event, by kind (the outbox's `changeTypes` order), then as found. */
  inEventOrder(): ChangeInput[] {
    return this.caused
      .map((c, n) => ({ ...c, n }))
      .sort(
        (a, b) =>
          a.at - b.at || changeTypes.indexOf(a.change.type) - changeTypes.indexOf(b.change.type) || a.n - b.n,
      )
      .map((c) => c.change);
  }
}

function personaChanges(changes: CausedChanges, params: EvidenceParams, result: EvidenceResult): void {
  for (const persona of result.personas) {
    const updates = (params.personas.find((p) => p.key === persona.key)?.updates ?? []).filter((u) =>
      changes.isFresh(String(u.eventId)),
    );
    if (persona.created) {
      const at = changes.at(String(updates[0]?.eventId));
      changes.touch(persona.id, at);
      const { key, context, label } = persona;
      changes.addOfPersona(at, 'PERSONA_CREATED', persona.id, { key, context, label });
      continue;
    }
    const changed: Record<string, { old: unknown; new: unknown }> = {};
    if (persona.context !== persona.oldContext)
      changed.context = { old: persona.oldContext, new: persona.context };
    if (persona.label !== persona.oldLabel) changed.label = { old: persona.oldLabel, new: persona.label };
    if (Object.keys(changed).length === 0) continue;
    const last = [...updates].reverse().find((u) => u.context !== null || u.label !== null);
    const at = changes.at(String(last?.eventId));
    changes.addOfPersona(at, 'PERSONA_UPDATED', persona.id, { key: persona.key, changed });
  }
}

/** @returns the last event that attached each identifier, which causes a flip of its shared flag */
function attachmentChanges(changes: CausedChanges, result: EvidenceResult): Map<string, number> {
  // A membership attached by several events of the batch is one fact, caused by the first of them.
  const attached = new Map<string, { at: number; personaId: string; type: string; value: string }>();
  const lastAttach = new Map<string, number>();
  for (const a of result.attached) {
    const at = changes.at(a.eventId);
    const key = `${a.personaId}\u0000${identifierKey(a)}`;
    const seen = attached.get(key);
    if (!seen || at < seen.at)
      attached.set(key, { at, personaId: a.personaId, type: a.type, value: a.value });
    lastAttach.set(identifierKey(a), Math.max(at, lastAttach.get(identifierKey(a)) ?? -1));
  }
  for (const a of attached.values()) {
    changes.touch(a.personaId, a.at);
    changes.addOfPersona(a.at, 'IDENTIFIER_ATTACHED', a.personaId, { type: a.type, value: a.value });
  }
  return lastAttach;
}

// Memberships this batch ended: the old holder of a recycled identifier, or a replaced one. The new
// holder's side is its IDENTIFIER_ATTACHED (or, re-proving one it held, this change's recycledTo).
function detachmentChanges(changes: CausedChanges, result: EvidenceResult): void {
  for (const e of result.ended) {
    const at = changes.at(e.eventId);
    changes.touch(e.personaId, at);
    const by = changes.eventAt(at);
    changes.addOfPersona(at, 'IDENTIFIER_DETACHED', e.personaId, {
      type: e.type,
      value: e.value,
      reason: e.reason,
      ...(e.reason === 'RECYCLED' ? { recycledTo: by?.persona?.key ?? null } : {}),
    });
  }
}

function sharingChanges(
  changes: CausedChanges,
  result: EvidenceResult,
  regrouping: Pick<Regrouping, 'personOf' | 'transitions'>,
  lastAttach: Map<string, number>,
): void {
  for (const row of result.shared.filter((r) => r.flipped)) {
    const at = lastAttach.get(identifierKey(row)) ?? -1;
    for (const holder of row.holderIds) changes.touch(holder, at);
    const [change] = sharedFlagChanges([row], regrouping, () => changes.cause(at));
    changes.add(at, change!);
  }
}

function factChanges(changes: CausedChanges, params: EvidenceParams, result: EvidenceResult): void {
  // previous: the value the persona's latest fact of the key (by time stated) had before this one.
  const latestFact = new Map<string, { value: unknown; at: string }>();
  for (const f of result.factsBefore) {
    if (f.value !== null && f.at !== null)
      latestFact.set(`${f.personaKey}\u0000${f.key}`, { value: parseJsonText(f.value), at: f.at });
  }
  for (const stored of result.facts) {
    const fact = params.facts[stored.n]!;
    const at = changes.at(fact.eventId);
    const slot = `${fact.personaKey}\u0000${fact.key}`;
    const previous = latestFact.get(slot);
    const value = parseJsonText(fact.value);
    if (!previous || fact.at >= previous.at) latestFact.set(slot, { value, at: fact.at });
    changes.addOfPersona(at, 'FACT_RECORDED', stored.personaId, {
      key: fact.key,
      value,
      method: fact.method,
      previous: previous?.value ?? null,
      sensitive: stored.sensitive,
    });
  }
}

function consentChanges(changes: CausedChanges, params: EvidenceParams, result: EvidenceResult): void {
  // previous: whether the slot's latest consent (by time stated) granted, before this one.
  const latestConsent = new Map<string, { granted: boolean; at: string }>();
  for (const c of result.consentsBefore) {
    if (c.granted === null || c.at === null) continue;
    const identifier = c.type ? { type: c.type, value: c.value } : null;
    const slot = consentSlotKey(c.personaKey, {
      purpose: c.purpose,
      channel: c.channel,
      granted: c.granted,
      identifier,
    });
    latestConsent.set(slot, { granted: c.granted, at: c.at });
  }
  for (const stored of result.consents) {
    const consent = params.consents[stored.n]!;
    const at = changes.at(consent.eventId);
    const identifier = consent.type && consent.value ? { type: consent.type, value: consent.value } : null;
    const slot = consentSlotKey(consent.personaKey, { ...consent, identifier });
    const previous = latestConsent.get(slot);
    if (!previous || consent.at >= previous.at)
      latestConsent.set(slot, { granted: consent.granted, at: consent.at });
    changes.addOfPersona(at, 'CONSENT_RECORDED', stored.personaId, {
      purpose: consent.purpose,
      channel: consent.channel,
      granted: consent.granted,
      identifier,
      previous: previous?.granted ?? null,
    });
  }
}
