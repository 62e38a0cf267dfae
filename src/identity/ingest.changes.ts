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
  const indexOf = new Map(fresh.map((p) => [p.row.id, p.index]));
  const byIndex = new Map(fresh.map((p) => [p.index, p]));
  const caused: { at: number; change: ChangeInput }[] = [];
  const add = (at: number, change: ChangeInput) => caused.push({ at, change });
  const cause = (at: number) => ({ event: byIndex.get(at)?.row.id ?? null, action: null });
  const personIds = (personaId: string) => personIdsOf(regrouping, [personaId]);
  // The latest event that touched each persona: a grouping it took part in is caused by it.
  const touched = new Map<string, number>();
  const touch = (personaId: string, at: number) =>
    touched.set(personaId, Math.max(at, touched.get(personaId) ?? -1));

  const freshIn = (eventId: string) => indexOf.has(eventId);
  for (const persona of result.personas) {
    const updates = (params.personas.find((p) => p.key === persona.key)?.updates ?? []).filter((u) =>
      freshIn(String(u.eventId)),
    );
    if (persona.created) {
      const at = indexOf.get(String(updates[0]?.eventId)) ?? -1;
      touch(persona.id, at);
      add(at, {
        type: 'PERSONA_CREATED',
        personaIds: [persona.id],
        personIds: personIds(persona.id),
        data: { ...cause(at), key: persona.key, context: persona.context, label: persona.label },
      });
      continue;
    }
    const changed: Record<string, { old: unknown; new: unknown }> = {};
    if (persona.context !== persona.oldContext)
      changed.context = { old: persona.oldContext, new: persona.context };
    if (persona.label !== persona.oldLabel) changed.label = { old: persona.oldLabel, new: persona.label };
    if (Object.keys(changed).length === 0) continue;
    const last = [...updates].reverse().find((u) => u.context !== null || u.label !== null);
    const at = indexOf.get(String(last?.eventId)) ?? -1;
    add(at, {
      type: 'PERSONA_UPDATED',
      personaIds: [persona.id],
      personIds: personIds(persona.id),
      data: { ...cause(at), key: persona.key, changed },
    });
  }

  // A membership attached by several events of the batch is one fact, caused by the first of them.
  const attached = new Map<string, { at: number; personaId: string; type: string; value: string }>();
  const lastAttach = new Map<string, number>();
  for (const a of result.attached) {
    const at = indexOf.get(a.eventId) ?? -1;
    const key = `${a.personaId}\u0000${identifierKey(a)}`;
    const seen = attached.get(key);
    if (!seen || at < seen.at)
      attached.set(key, { at, personaId: a.personaId, type: a.type, value: a.value });
    lastAttach.set(identifierKey(a), Math.max(at, lastAttach.get(identifierKey(a)) ?? -1));
  }
  for (const a of attached.values()) {
    touch(a.personaId, a.at);
    add(a.at, {
      type: 'IDENTIFIER_ATTACHED',
      personaIds: [a.personaId],
      personIds: personIds(a.personaId),
      data: { ...cause(a.at), type: a.type, value: a.value },
    });
  }
  // Memberships this batch ended: the old holder of a recycled identifier, or a replaced one. The new
  // holder's side is its IDENTIFIER_ATTACHED (or, re-proving one it held, this change's recycledTo).
  for (const e of result.ended) {
    const at = indexOf.get(e.eventId) ?? -1;
    touch(e.personaId, at);
    const by = byIndex.get(at);
    add(at, {
      type: 'IDENTIFIER_DETACHED',
      personaIds: [e.personaId],
      personIds: personIds(e.personaId),
      data: {
        ...cause(at),
        type: e.type,
        value: e.value,
        reason: e.reason,
        ...(e.reason === 'RECYCLED' ? { recycledTo: by?.persona?.key ?? null } : {}),
      },
    });
  }
  for (const row of result.shared.filter((r) => r.flipped)) {
    const at = lastAttach.get(identifierKey(row)) ?? -1;
    for (const holder of row.holderIds) touch(holder, at);
    const [change] = sharedFlagChanges([row], regrouping, () => cause(at));
    add(at, change!);
  }
  for (const t of regrouping.transitions) {
    const at = Math.max(...t.personaIds.map((p) => touched.get(p) ?? -1));
    add(at, groupingChange(t, cause(at)));
  }

  // previous: the value the persona's latest fact of the key (by time stated) had before this one.
  const latestFact = new Map<string, { value: unknown; at: string }>();
  for (const f of result.factsBefore) {
    if (f.value !== null && f.at !== null)
      latestFact.set(`${f.personaKey}\u0000${f.key}`, { value: parseJsonText(f.value), at: f.at });
  }
  for (const stored of result.facts) {
    const fact = params.facts[stored.n]!;
    const at = indexOf.get(fact.eventId) ?? -1;
    const slot = `${fact.personaKey}\u0000${fact.key}`;
    const previous = latestFact.get(slot);
    const value = parseJsonText(fact.value);
    if (!previous || fact.at >= previous.at) latestFact.set(slot, { value, at: fact.at });
    add(at, {
      type: 'FACT_RECORDED',
      personaIds: [stored.personaId],
      personIds: personIds(stored.personaId),
      data: {
        ...cause(at),
        key: fact.key,
        value,
        method: fact.method,
        previous: previous?.value ?? null,
        sensitive: stored.sensitive,
      },
    });
  }

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
    const at = indexOf.get(consent.eventId) ?? -1;
    const identifier = consent.type && consent.value ? { type: consent.type, value: consent.value } : null;
    const slot = consentSlotKey(consent.personaKey, { ...consent, identifier });
    const previous = latestConsent.get(slot);
    if (!previous || consent.at >= previous.at)
      latestConsent.set(slot, { granted: consent.granted, at: consent.at });
    add(at, {
      type: 'CONSENT_RECORDED',
      personaIds: [stored.personaId],
      personIds: personIds(stored.personaId),
      data: {
        ...cause(at),
        purpose: consent.purpose,
        channel: consent.channel,
        granted: consent.granted,
        identifier,
        previous: previous?.granted ?? null,
      },
    });
  }

  return caused
    .map((c, n) => ({ ...c, n }))
    .sort(
      (a, b) =>
        a.at - b.at || changeTypes.indexOf(a.change.type) - changeTypes.indexOf(b.change.type) || a.n - b.n,
    )
    .map((c) => c.change);
}
