// Ingest's pure middle step: a batch of prepared events becomes the rows of the one evidence statement
// (cypher/identity/ingest-evidence.cypher), each list in the order that statement locks or reads in.
import type { PreparedKnowledge } from './ingest.knowledge.js';
import { compareIdentifiers, identifierKey, type IdentifierKey, type Strength } from './identity.model.js';

/** One event after validation: every value normalized, ready to be written. */
export interface PreparedEvent {
  /** Its place in the batch as sent: changes are ordered by it. */
  index: number;
  row: {
    id: string;
    type: string;
    occurredAt: string;
    source: string;
    channel: string | null;
    purpose: string | null;
    authenticated: boolean;
    personaKey: string | null;
    /** What a purchase was worth, in `currency` (ISO 4217). */
    amount: number | null;
    currency: string | null;
  };
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
  /** Questions asked and answers given (src/profile/profile.ingest.ts). */
  knowledge: PreparedKnowledge;
  facts: { key: string; value: string; method: string; confidence: number }[];
  consents: { purpose: string; channel: string; granted: boolean; identifier: IdentifierKey | null }[];
  tags: { kind: 'campaign' | 'asset' | 'term'; code: string; vocabulary: string | null }[];
  /** Identifiers of the actor's persona replaced by another (the new one is among `identifiers`). */
  replaced: IdentifierKey[];
}

const byString =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/** Where a consent applies, as the evidence statement compares it ('' for every contact point). */
export const consentSlotKey = (personaKey: string, c: PreparedEvent['consents'][number]) =>
  [personaKey, c.purpose, c.channel, c.identifier?.type ?? '', c.identifier?.value ?? ''].join('\u0000');

/**
 * @param recycleAfterDays per identifier type: after how many silent days a new STRONG holder ends the
 *   other holders' memberships (null: never)
 */
export function planEvidence(
  txId: string,
  events: PreparedEvent[],
  recycleAfterDays: (type: string) => number | null = () => null,
) {
  const byTime = inTimeOrder(events);
  return {
    txId,
    identifiers: identifiersOf(events),
    events: eventNodes(events),
    devices: byTime.flatMap(deviceUpdateOf).sort(byString((d) => d.id)),
    personas: personaUpdates(byTime),
    eventRows: events.map(eventRowOf),
    attachments: events.flatMap(attachmentsOf),
    links: events.flatMap(linksOf),
    // Replacements first, then recycling, each in batch order: both only end memberships.
    endings: [...events.flatMap(replacementsOf), ...events.flatMap((p) => recyclingsOf(p, recycleAfterDays))],
    observations: events.flatMap(observationsOf),
    uses: events.flatMap(usesOf),
    factSlots: factSlotsOf(events),
    facts: events.flatMap(factsOf).map((f, n) => ({ ...f, n })),
    consentSlots: consentSlotsOf(events),
    consents: events.flatMap(consentsOf).map((c, n) => ({ ...c, n })),
    tags: events
      .flatMap((p) => p.tags.map((t) => ({ eventId: p.row.id, ...t })))
      .sort(byString((t) => `${t.kind}\u0000${t.vocabulary ?? ''}\u0000${t.code}`)),
  };
}

const evidence = (p: PreparedEvent) => ({ eventId: p.row.id, source: p.row.source, at: p.row.occurredAt });
const strength = (p: PreparedEvent): Strength => (p.row.authenticated ? 'STRONG' : 'WEAK');

/** Oldest first, batch order on a tie: the order later updates win in. */
const inTimeOrder = (events: PreparedEvent[]) =>
  [...events].sort((a, b) =>
    a.row.occurredAt < b.row.occurredAt ? -1 : a.row.occurredAt > b.row.occurredAt ? 1 : a.index - b.index,
  );

/** Every identifier the batch names (its own, mentioned, or a consent's), once each. */
function identifiersOf(events: PreparedEvent[]): IdentifierKey[] {
  const identifiers = new Map<string, IdentifierKey>();
  for (const p of events) {
    for (const i of [...p.identifiers, ...p.mentions.map((m) => m.identifier)])
      identifiers.set(identifierKey(i), i);
    for (const c of p.consents) if (c.identifier) identifiers.set(identifierKey(c.identifier), c.identifier);
  }
  return [...identifiers.values()].sort(compareIdentifiers);
}

const eventNodes = (events: PreparedEvent[]) =>
  events
    .map(({ row }) => ({
      id: row.id,
      type: row.type,
      occurredAt: row.occurredAt,
      source: row.source,
      channel: row.channel,
      purpose: row.purpose,
      authenticated: row.authenticated,
      amount: row.amount,
      currency: row.currency,
    }))
    .sort(byString((e) => e.id));

const deviceUpdateOf = (p: PreparedEvent) => (p.device ? [{ ...p.device, ...evidence(p) }] : []);

/** Each persona once, with what its events said of it, oldest first. */
function personaUpdates(byTime: PreparedEvent[]) {
  const personas = new Map<string, { key: string; updates: Record<string, unknown>[] }>();
  for (const p of byTime) {
    if (!p.persona) continue;
    const persona = personas.get(p.persona.key) ?? { key: p.persona.key, updates: [] };
    personas.set(p.persona.key, persona);
    persona.updates.push({
      eventId: p.row.id,
      context: p.persona.context,
      label: p.persona.label,
      at: p.row.occurredAt,
    });
  }
  return [...personas.values()].sort(byString((p) => p.key));
}

/** What an event connects: its persona, identifiers, device, and each mention once. */
const eventRowOf = (p: PreparedEvent) => ({
  eventId: p.row.id,
  personaKey: p.persona?.key ?? null,
  identifiers: p.identifiers,
  deviceId: p.device?.id ?? null,
  mentions: [
    ...new Map(
      p.mentions.map((m) => [
        `${m.role}\u0000${identifierKey(m.identifier)}`,
        { role: m.role, ...m.identifier },
      ]),
    ).values(),
  ],
});

const attachmentsOf = (p: PreparedEvent) =>
  p.persona
    ? p.identifiers.map((i) => ({ personaKey: p.persona!.key, ...i, ...evidence(p), strength: strength(p) }))
    : [];

/** Every pair of an event's identifiers, each pair in identifier order. */
function linksOf(p: PreparedEvent) {
  const sorted = [...p.identifiers].sort(compareIdentifiers);
  return sorted.flatMap((a, n) =>
    sorted.slice(n + 1).map((b) => ({
      aType: a.type,
      aValue: a.value,
      bType: b.type,
      bValue: b.value,
      strength: strength(p),
      ...evidence(p),
    })),
  );
}

const replacementsOf = (p: PreparedEvent) =>
  p.persona
    ? p.replaced.map((i) => ({
        eventId: p.row.id,
        personaKey: p.persona!.key,
        ...i,
        at: p.row.occurredAt,
        reason: 'REPLACED',
        days: 0,
      }))
    : [];

/** An authenticated event's identifiers whose type recycles: candidates to end other holders'. */
function recyclingsOf(p: PreparedEvent, recycleAfterDays: (type: string) => number | null) {
  if (!p.persona || !p.row.authenticated) return [];
  return p.identifiers.flatMap((i) => {
    const days = recycleAfterDays(i.type);
    return days === null
      ? []
      : [
          {
            eventId: p.row.id,
            personaKey: p.persona!.key,
            ...i,
            at: p.row.occurredAt,
            reason: 'RECYCLED',
            days,
          },
        ];
  });
}

const observationsOf = (p: PreparedEvent) =>
  p.device ? p.identifiers.map((i) => ({ deviceId: p.device!.id, ...i, ...evidence(p) })) : [];

const usesOf = (p: PreparedEvent) =>
  p.device && p.persona
    ? [{ personaKey: p.persona.key, deviceId: p.device.id, strength: strength(p), ...evidence(p) }]
    : [];

/** Each persona's fact keys the batch sets, once each. */
function factSlotsOf(events: PreparedEvent[]) {
  const factSlots = new Map<string, { personaKey: string; key: string }>();
  for (const p of events) {
    if (!p.persona) continue;
    const personaKey = p.persona.key;
    for (const f of p.facts) factSlots.set(`${personaKey}\u0000${f.key}`, { personaKey, key: f.key });
  }
  return [...factSlots.values()];
}

/** Each place a consent of the batch applies to, once each. */
function consentSlotsOf(events: PreparedEvent[]) {
  const consentSlots = new Map<string, Record<string, string>>();
  for (const p of events) {
    if (!p.persona) continue;
    const personaKey = p.persona.key;
    for (const c of p.consents) {
      consentSlots.set(consentSlotKey(personaKey, c), {
        personaKey,
        purpose: c.purpose,
        channel: c.channel,
        type: c.identifier?.type ?? '',
        value: c.identifier?.value ?? '',
      });
    }
  }
  return [...consentSlots.values()];
}

const factsOf = (p: PreparedEvent) =>
  p.facts.map((f) => ({ ...f, personaKey: p.persona!.key, ...evidence(p) }));

const consentsOf = (p: PreparedEvent) =>
  p.consents.map((c) => ({
    purpose: c.purpose,
    channel: c.channel,
    granted: c.granted,
    type: c.identifier?.type ?? null,
    value: c.identifier?.value ?? null,
    personaKey: p.persona!.key,
    ...evidence(p),
  }));

export type EvidenceParams = ReturnType<typeof planEvidence>;

const at = (row: { at: string }) => Date.parse(row.at);

/** The nodes statement's rows: each device once, with what its events said of it, oldest first. */
export const nodesParams = ({ txId, identifiers, events, devices, personas }: EvidenceParams) => ({
  txId,
  identifiers,
  events,
  devices: mergedRows(devices, (d) => [d.id]).map((rows) => ({
    id: rows[0]!.id,
    updates: rows.map(({ eventId, kind, os, browser, hardwareId, source, at }) => ({
      eventId,
      kind,
      os,
      browser,
      hardwareId,
      source,
      at,
    })),
  })),
  personas,
});
export type NodesParams = ReturnType<typeof nodesParams>;

/**
 * Rows with the same key, merged into one (in the order the keys first appear): a MERGE of the same
 * relationship by several events of a batch costs its lookup once instead of once per event.
 */
function mergedRows<T>(rows: T[], key: (row: T) => string[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row).join('\u0000');
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return [...groups.values()];
}

/**
 * The evidence statement's rows: only those of the events step 1 created (`fresh`), and one row per
 * relationship it merges, with what its events in batch order would have written one by one: the first
 * one's provenance for a new relationship, the latest (attachments: by time, the later on a tie; other
 * relationships: the last) for `last…`, STRONG if any of them was.
 */
export const evidenceParams = (
  { txId, eventRows, attachments, links, observations, uses, endings }: EvidenceParams,
  fresh: ReadonlySet<string>,
) => {
  const isFresh = (row: { eventId: string }) => fresh.has(row.eventId);
  const strong = (rows: { strength: Strength }[]) => rows.some((r) => r.strength === 'STRONG');
  return {
    txId,
    eventRows: eventRows.filter(isFresh),
    attachments: mergedRows(attachments.filter(isFresh), (a) => [a.personaKey, a.type, a.value]).map(
      (rows) => {
        const latest = rows.reduce((l, r) => (at(r) >= at(l) ? r : l));
        return {
          ...rows[0]!,
          strong: strong(rows),
          lastEventId: latest.eventId,
          lastAt: latest.at,
          eventIds: rows.map((r) => r.eventId),
        };
      },
    ),
    links: mergedRows(links.filter(isFresh), (l) => [l.aType, l.aValue, l.bType, l.bValue]).map((rows) => ({
      ...rows[0]!,
      strong: strong(rows),
      lastEventId: rows.at(-1)!.eventId,
      lastAt: rows.at(-1)!.at,
    })),
    observations: mergedRows(observations.filter(isFresh), (o) => [o.deviceId, o.type, o.value]).map(
      (rows) => ({ ...rows[0]!, lastAt: rows.at(-1)!.at }),
    ),
    uses: mergedRows(uses.filter(isFresh), (u) => [u.personaKey, u.deviceId]).map((rows) => ({
      ...rows[0]!,
      strong: strong(rows),
      lastAt: rows.at(-1)!.at,
    })),
    // n: the ending's place in the plan, so `ended` can be put back in batch order (storeEvidence).
    replacements: endings.map((e, n) => ({ ...e, n })).filter((e) => e.reason === 'REPLACED' && isFresh(e)),
    // One row per recyclable identifier, its candidates in batch order: its holders are read once, not
    // once per event that proved it (a switchboard phone has thousands of holders).
    recyclings: mergedRows(
      endings.map((e, n) => ({ ...e, n })).filter((e) => e.reason === 'RECYCLED' && isFresh(e)),
      (e) => [e.type, e.value],
    ).map((rows) => ({
      type: rows[0]!.type,
      value: rows[0]!.value,
      days: rows[0]!.days,
      latestAt: rows.reduce((l, r) => (at(r) >= at(l) ? r : l)).at,
      candidates: rows.map(({ eventId, personaKey, at, n }) => ({ eventId, personaKey, at, n })),
    })),
  };
};
export type EvidenceStepParams = ReturnType<typeof evidenceParams>;

/**
 * The records statement's rows: facts, consents and tags of the events step 1 created (`fresh`; a
 * fact's or consent's `n` still indexes the plan's list), each tag of an event once.
 */
export const recordsParams = (
  { factSlots, facts, consentSlots, consents, tags }: EvidenceParams,
  fresh: ReadonlySet<string>,
  attached: IdentifierKey[],
) => ({
  factSlots,
  facts: facts.filter((f) => fresh.has(f.eventId)),
  consentSlots,
  consents: consents.filter((c) => fresh.has(c.eventId)),
  tags: mergedRows(
    tags.filter((t) => fresh.has(t.eventId)),
    (t) => [t.eventId, t.kind, t.vocabulary ?? '', t.code],
  ).map((rows) => rows[0]!),
  attached,
});
export type RecordsParams = ReturnType<typeof recordsParams>;
