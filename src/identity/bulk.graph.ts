// The graph a bulk import builds, held in memory: what ingest's three statements
// (cypher/identity/ingest-{nodes,evidence,records}.cypher) would have written into an empty store, batch by
// batch, with the same rules and the same rows (ingest.plan.ts). Each method below is one of those
// statements' CALL blocks, in their order, and answers what the statement returns, so ingest's own
// pure steps (grouping, changes) run on it unchanged. Nodes and relationships that never change once
// written go to the CSV files at once; the rest are written by `finish()`.
import { randomUUID } from 'node:crypto';
import type { PersonaContext } from '../generated/graphql.js';
import { DateTimeValue, type ImportCsvFiles } from '../graph/import-csv-files.js';
import { identifierKey, type IdentifierKey, type IdentifierTypeModel } from './identity.model.js';
import type { EvidenceResult } from './identity.repository.js';
import {
  consentSlotKey,
  type EvidenceStepParams,
  type NodesParams,
  type RecordsParams,
} from './ingest.plan.js';

const dt = (iso: string | null | undefined) => (iso ? new DateTimeValue(iso) : null);
const dayMs = 86_400_000;

/** A relationship's properties as Cypher left them (ISO strings for date-times). */
interface Evidence {
  eventId: string;
  source: string;
  since: string;
  strength: string;
  lastEventId?: string;
  lastAt?: string;
  createdTx?: string;
}

interface IdentifierNode extends IdentifierKey {
  nid: number;
  shared: boolean;
  firstSeen: string;
  /** HAS_IDENTIFIER by persona key, oldest first. */
  holders: Map<string, Evidence>;
}

interface PersonaNode {
  nid: number;
  id: string;
  key: string;
  context: PersonaContext;
  label: string | null;
  createdAt: string;
  createdTx: string;
  /** Keys (identifierKey) of the identifiers it holds now. */
  identifiers: Set<string>;
}

interface DeviceNode {
  nid: number;
  id: string;
  kind: string | null;
  os: string | null;
  browser: string | null;
  isHardware: boolean;
}

export interface BulkRegistry {
  types: Map<string, IdentifierTypeModel>;
  /** Every fact key the store holds, with whether it is mapped and sensitive. */
  factKeys: Map<string, { mapped: boolean; sensitive: boolean }>;
}

type Result<K extends keyof EvidenceResult> = Pick<EvidenceResult, K>;

export class BulkGraph {
  private nextId = 0;
  readonly identifiers = new Map<string, IdentifierNode>();
  readonly personas = new Map<string, PersonaNode>();
  readonly personaById = new Map<string, PersonaNode>();
  private readonly events = new Map<string, number>();
  private readonly devices = new Map<string, DeviceNode>();
  private readonly onHardware = new Set<string>();
  /** Persona key and identifier key of memberships ended by a replacement: never attached again. */
  private readonly replaced = new Set<string>();
  private readonly links = new Map<string, { a: number; b: number; props: Evidence }>();
  private readonly observations = new Map<string, { d: number; i: number; props: Evidence }>();
  private readonly uses = new Map<string, { p: number; d: number; props: Evidence }>();
  private readonly newFactKeys = new Map<string, { nid: number; firstSeen: string }>();
  private readonly latestFact = new Map<string, { value: string; at: string }>();
  private readonly latestConsent = new Map<string, { granted: boolean; at: string }>();
  private readonly tagNodes = new Map<
    string,
    { nid: number; labels: string[]; props: Record<string, string> }
  >();

  constructor(
    private readonly out: ImportCsvFiles,
    private readonly registry: BulkRegistry,
  ) {}

  id(): number {
    return this.nextId++;
  }

  /** ingest-nodes.cypher: identifiers, events, devices, personas; `now` is the batch's datetime(). */
  storeNodes(params: NodesParams, now: string): Result<'fresh' | 'personas'> {
    for (const key of params.identifiers) {
      const k = identifierKey(key);
      if (!this.identifiers.has(k))
        this.identifiers.set(k, {
          ...key,
          nid: this.id(),
          shared: false,
          firstSeen: now,
          holders: new Map(),
        });
    }
    const fresh: string[] = [];
    for (const row of params.events) {
      if (this.events.has(row.id)) continue;
      const nid = this.id();
      this.events.set(row.id, nid);
      fresh.push(row.id);
      const { occurredAt, ...values } = row;
      this.out.node(nid, ['Event'], {
        ...values,
        occurredAt: dt(occurredAt),
        ingestedAt: dt(now),
        ingestTx: params.txId,
      });
    }
    const isFresh = new Set(fresh);
    for (const row of params.devices) this.storeDevice(row, isFresh);
    const personas = params.personas.flatMap((row) => this.storePersona(row, isFresh, params.txId));
    return { fresh, personas };
  }

  private device(id: string): DeviceNode {
    let device = this.devices.get(id);
    if (!device) {
      device = { nid: this.id(), id, kind: null, os: null, browser: null, isHardware: false };
      this.devices.set(id, device);
    }
    return device;
  }

  private storeDevice(row: NodesParams['devices'][number], fresh: Set<string>): void {
    const updates = row.updates.filter((u) => fresh.has(u.eventId));
    if (updates.length === 0) return;
    const d = this.device(row.id);
    const latest = (pick: (u: (typeof updates)[number]) => string | null) =>
      updates.reduce<string | null>((v, u) => pick(u) ?? v, null);
    d.kind = latest((u) => u.kind) ?? d.kind;
    d.os = latest((u) => u.os) ?? d.os;
    d.browser = latest((u) => u.browser) ?? d.browser;
    const seen = new Set<string>();
    for (const u of updates) {
      if (u.hardwareId === null || seen.has(u.hardwareId)) continue;
      seen.add(u.hardwareId);
      const known = this.devices.has(u.hardwareId);
      const h = this.device(u.hardwareId);
      if (!known) h.isHardware = true;
      const key = `${d.nid}:${h.nid}`;
      if (this.onHardware.has(key)) continue;
      this.onHardware.add(key);
      this.out.relationship('ON_HARDWARE', d.nid, h.nid, {
        strength: 'WEAK',
        eventId: u.eventId,
        source: u.source,
        since: dt(u.at),
      });
    }
  }

  private storePersona(row: NodesParams['personas'][number], fresh: Set<string>, txId: string) {
    const updates = row.updates.filter((u) => fresh.has(String(u.eventId)));
    if (updates.length === 0) return [];
    const context = updates.reduce<PersonaContext | null>(
      (c, u) => (u.context as PersonaContext | null) ?? c,
      null,
    );
    const label = updates.reduce<string | null>((l, u) => (u.label as string | null) ?? l, null);
    let p = this.personas.get(row.key);
    if (!p) {
      p = {
        nid: this.id(),
        id: randomUUID(),
        key: row.key,
        context: context ?? 'OTHER',
        label,
        createdAt: String(updates[0]!.at),
        createdTx: txId,
        identifiers: new Set(),
      };
      this.personas.set(row.key, p);
      this.personaById.set(p.id, p);
    }
    const created = p.createdTx === txId;
    const oldContext = p.context;
    const oldLabel = p.label;
    p.context = context ?? p.context;
    p.label = label ?? p.label;
    return [{ key: row.key, id: p.id, created, context: p.context, label: p.label, oldContext, oldLabel }];
  }

  /** ingest-evidence.cypher: what the events were by, memberships, their endings, links, devices. */
  storeEvidence(params: EvidenceStepParams): Result<'attached' | 'ended'> {
    this.connectEvents(params.eventRows);
    const attached = this.attach(params.attachments, params.txId);
    const ended = [...this.replace(params.replacements), ...this.recycle(params.recyclings)];
    for (const row of params.links) {
      const a = this.identifier(row.aType, row.aValue);
      const b = this.identifier(row.bType, row.bValue);
      const key = `${a.nid}:${b.nid}`;
      const link = this.links.get(key) ?? { a: a.nid, b: b.nid, props: this.evidence(row, row.strength) };
      this.links.set(key, link);
      if (row.strong) link.props.strength = 'STRONG';
      link.props.lastEventId = row.lastEventId;
      link.props.lastAt = row.lastAt;
    }
    for (const row of params.observations) {
      const d = this.device(row.deviceId);
      const i = this.identifier(row.type, row.value);
      const key = `${d.nid}:${i.nid}`;
      const seen = this.observations.get(key) ?? { d: d.nid, i: i.nid, props: this.evidence(row, 'WEAK') };
      this.observations.set(key, seen);
      seen.props.lastAt = row.lastAt;
    }
    for (const row of params.uses) {
      const p = this.personas.get(row.personaKey)!;
      const d = this.device(row.deviceId);
      const key = `${p.nid}:${d.nid}`;
      const use = this.uses.get(key) ?? { p: p.nid, d: d.nid, props: this.evidence(row, row.strength) };
      this.uses.set(key, use);
      if (row.strong) use.props.strength = 'STRONG';
      use.props.lastAt = row.lastAt;
    }
    // As the repository returns them: in the plan's order.
    return { attached, ended: ended.sort((a, b) => a.n - b.n) };
  }

  private evidence(row: { eventId: string; source: string; at: string }, strength: string): Evidence {
    return { eventId: row.eventId, source: row.source, since: row.at, strength };
  }

  private identifier(type: string, value: string): IdentifierNode {
    return this.identifiers.get(identifierKey({ type, value }))!;
  }

  private connectEvents(rows: EvidenceStepParams['eventRows']): void {
    for (const row of rows) {
      const e = this.events.get(row.eventId)!;
      if (row.personaKey !== null) this.out.relationship('BY', e, this.personas.get(row.personaKey)!.nid);
      for (const key of row.identifiers)
        this.out.relationship('BY', e, this.identifier(key.type, key.value).nid);
      if (row.deviceId !== null) this.out.relationship('BY', e, this.device(row.deviceId).nid);
      for (const m of row.mentions)
        this.out.relationship('MENTIONS', e, this.identifier(m.type, m.value).nid, { role: m.role });
    }
  }

  private attach(rows: EvidenceStepParams['attachments'], txId: string): EvidenceResult['attached'] {
    const attached: EvidenceResult['attached'] = [];
    for (const row of rows) {
      const p = this.personas.get(row.personaKey)!;
      const i = this.identifier(row.type, row.value);
      const key = identifierKey(i);
      if (this.replaced.has(`${p.key}\u0000${key}`)) continue;
      let h = i.holders.get(p.key);
      if (!h) {
        h = { ...this.evidence(row, row.strength), createdTx: txId };
        i.holders.set(p.key, h);
        p.identifiers.add(key);
      }
      if (h.lastAt === undefined || Date.parse(row.lastAt) >= Date.parse(h.lastAt)) {
        h.lastEventId = row.lastEventId;
        h.lastAt = row.lastAt;
      }
      if (row.strong) h.strength = 'STRONG';
      if (h.createdTx !== txId) continue;
      for (const eventId of row.eventIds)
        attached.push({ eventId, personaId: p.id, type: i.type, value: i.value });
    }
    return attached;
  }

  /** Ends a membership, keeping its history as HELD. */
  private end(p: PersonaNode, i: IdentifierNode, ending: { to: string; endedBy: string; eventId: string }) {
    const h = i.holders.get(p.key)!;
    i.holders.delete(p.key);
    p.identifiers.delete(identifierKey(i));
    this.out.relationship('HELD', p.nid, i.nid, {
      ...h,
      since: dt(h.since),
      lastAt: dt(h.lastAt),
      to: dt(ending.to),
      endedBy: ending.endedBy,
      endedByEventId: ending.eventId,
    });
  }

  private replace(rows: EvidenceStepParams['replacements']): EvidenceResult['ended'] {
    const ended: EvidenceResult['ended'] = [];
    for (const row of rows) {
      const p = this.personas.get(row.personaKey)!;
      const i = this.identifier(row.type, row.value);
      if (!i.holders.has(p.key)) continue;
      this.end(p, i, { to: row.at, endedBy: 'REPLACED', eventId: row.eventId });
      this.replaced.add(`${p.key}\u0000${identifierKey(i)}`);
      ended.push({
        n: row.n,
        eventId: row.eventId,
        personaId: p.id,
        type: i.type,
        value: i.value,
        reason: 'REPLACED',
      });
    }
    return ended;
  }

  private recycle(rows: EvidenceStepParams['recyclings']): EvidenceResult['ended'] {
    const ended: EvidenceResult['ended'] = [];
    for (const row of rows) {
      const i = this.identifier(row.type, row.value);
      const days = row.days * dayMs;
      // Newest membership first, as Neo4j walks a node's relationships.
      for (const [personaKey, h] of [...i.holders].reverse()) {
        const lastAt = Date.parse(h.lastAt ?? h.since);
        if (!(lastAt < Date.parse(row.latestAt) - days)) continue;
        const by = row.candidates.find(
          (c) => lastAt < Date.parse(c.at) - days && c.personaKey !== personaKey,
        );
        if (!by) continue;
        const q = this.personas.get(personaKey)!;
        this.end(q, i, { to: by.at, endedBy: 'RECYCLED', eventId: by.eventId });
        ended.push({
          n: by.n,
          eventId: by.eventId,
          personaId: q.id,
          type: i.type,
          value: i.value,
          reason: 'RECYCLED',
        });
      }
    }
    return ended;
  }

  /** ingest-records.cypher: facts, consents, tags, and the shared flag of identifiers that gained holders. */
  storeRecords(
    params: RecordsParams,
    now: string,
  ): Result<'shared' | 'factsBefore' | 'facts' | 'consentsBefore' | 'consents' | 'unmappedTags'> {
    const factsBefore = params.factSlots.flatMap((slot) => {
      const latest = this.latestFact.get(`${slot.personaKey}\u0000${slot.key}`);
      return latest ? [{ ...slot, value: latest.value, at: latest.at }] : [];
    });
    const facts = params.facts.map((row) => this.storeFact(row, now));
    const consentsBefore = params.consentSlots.flatMap((slot) => {
      const identifier = slot.type ? { type: slot.type!, value: slot.value! } : null;
      const key = consentSlotKey(slot.personaKey!, {
        purpose: slot.purpose!,
        channel: slot.channel!,
        granted: false,
        identifier,
      });
      const latest = this.latestConsent.get(key);
      return latest
        ? [
            {
              personaKey: slot.personaKey!,
              purpose: slot.purpose!,
              channel: slot.channel!,
              type: slot.type!,
              value: slot.value!,
              ...latest,
            },
          ]
        : [];
    });
    const consents = params.consents.map((row) => this.storeConsent(row));
    const unmappedTags = this.storeTags(params.tags);
    return {
      shared: this.refreshShared(params.attached),
      factsBefore,
      facts,
      consentsBefore,
      consents,
      unmappedTags,
    };
  }

  private storeFact(row: RecordsParams['facts'][number], now: string): EvidenceResult['facts'][number] {
    const p = this.personas.get(row.personaKey)!;
    let key = this.registry.factKeys.get(row.key);
    if (!key) {
      key = { mapped: false, sensitive: false };
      this.registry.factKeys.set(row.key, key);
      this.newFactKeys.set(row.key, { nid: this.id(), firstSeen: now });
    }
    const nid = this.id();
    this.out.node(nid, ['Fact'], {
      id: randomUUID(),
      key: row.key,
      value: row.value,
      method: row.method,
      source: row.source,
      at: dt(row.at),
      confidence: row.confidence,
      eventId: row.eventId,
    });
    this.out.relationship('STATED', this.events.get(row.eventId)!, nid);
    this.out.relationship('HAS_FACT', p.nid, nid);
    const slot = `${row.personaKey}\u0000${row.key}`;
    const latest = this.latestFact.get(slot);
    if (!latest || row.at >= latest.at) this.latestFact.set(slot, { value: row.value, at: row.at });
    return { n: row.n, personaId: p.id, unmapped: !key.mapped, sensitive: key.sensitive };
  }

  private storeConsent(row: RecordsParams['consents'][number]): EvidenceResult['consents'][number] {
    const p = this.personas.get(row.personaKey)!;
    const nid = this.id();
    this.out.node(nid, ['Consent'], {
      id: randomUUID(),
      purpose: row.purpose,
      channel: row.channel,
      granted: row.granted,
      source: row.source,
      at: dt(row.at),
      eventId: row.eventId,
    });
    this.out.relationship('GAVE', p.nid, nid);
    const identifier = row.type !== null && row.value !== null ? { type: row.type, value: row.value } : null;
    if (identifier) this.out.relationship('FOR', nid, this.identifier(identifier.type, identifier.value).nid);
    const slot = consentSlotKey(row.personaKey, { ...row, identifier });
    const latest = this.latestConsent.get(slot);
    if (!latest || row.at >= latest.at) this.latestConsent.set(slot, { granted: row.granted, at: row.at });
    return { n: row.n, personaId: p.id };
  }

  private storeTags(rows: RecordsParams['tags']): EvidenceResult['unmappedTags'] {
    const unmapped = new Map<string, EvidenceResult['unmappedTags'][number]>();
    const shapes = {
      campaign: { label: 'Campaign', rel: 'IN_CAMPAIGN' },
      asset: { label: 'Asset', rel: 'SHOWED' },
      term: { label: 'Term', rel: 'ABOUT' },
    } as const;
    for (const row of rows) {
      const shape = shapes[row.kind];
      const key = `${row.kind}\u0000${row.vocabulary ?? ''}\u0000${row.code}`;
      let node = this.tagNodes.get(key);
      if (!node) {
        const props: Record<string, string> =
          row.kind === 'term' ? { vocabulary: row.vocabulary!, key: row.code } : { code: row.code };
        node = { nid: this.id(), labels: [shape.label], props };
        this.tagNodes.set(key, node);
      }
      this.out.relationship(shape.rel, this.events.get(row.eventId)!, node.nid);
      // Every tag node here was created unmapped by this import (the store was empty).
      unmapped.set(key, { kind: row.kind, code: row.code, vocabulary: row.vocabulary });
    }
    return [...unmapped.values()];
  }

  private refreshShared(attached: IdentifierKey[]): EvidenceResult['shared'] {
    const keys = new Map(attached.map((a) => [identifierKey(a), a]));
    return [...keys.values()].map((key) => {
      const i = this.identifier(key.type, key.value);
      const holderIds = [...i.holders.keys()].reverse().map((k) => this.personas.get(k)!.id);
      const shared = holderIds.length > (this.registry.types.get(i.type)?.maxPersonas ?? 1);
      const flipped = shared !== i.shared;
      i.shared = shared;
      return { type: i.type, value: i.value, shared, flipped, holderIds };
    });
  }

  /** Writes what may still have changed until the last batch: the nodes and relationships kept here. */
  finish(): void {
    for (const i of this.identifiers.values()) {
      this.out.node(i.nid, ['Identifier'], {
        type: i.type,
        value: i.value,
        shared: i.shared,
        firstSeen: dt(i.firstSeen),
      });
      for (const [personaKey, h] of i.holders)
        this.out.relationship('HAS_IDENTIFIER', this.personas.get(personaKey)!.nid, i.nid, {
          ...h,
          since: dt(h.since),
          lastAt: dt(h.lastAt),
        });
    }
    for (const p of this.personas.values()) {
      const { nid, identifiers: _held, createdAt, ...props } = p;
      this.out.node(nid, ['Persona'], { ...props, createdAt: dt(createdAt) });
    }
    for (const { nid, ...d } of this.devices.values())
      this.out.node(nid, ['Device'], { ...d, isHardware: d.isHardware ? true : null });
    const withTimes = (props: Evidence) => ({ ...props, since: dt(props.since), lastAt: dt(props.lastAt) });
    for (const l of this.links.values()) this.out.relationship('LINKED', l.a, l.b, withTimes(l.props));
    for (const o of this.observations.values())
      this.out.relationship('OBSERVED', o.d, o.i, withTimes(o.props));
    for (const u of this.uses.values()) this.out.relationship('USES', u.p, u.d, withTimes(u.props));
    for (const [key, k] of this.newFactKeys)
      this.out.node(k.nid, ['FactKey'], { key, mapped: false, sensitive: false, firstSeen: dt(k.firstSeen) });
    for (const t of this.tagNodes.values()) this.out.node(t.nid, t.labels, { ...t.props, mapped: false });
  }
}
