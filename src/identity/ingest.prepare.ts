// Ingest's first pure step: one event validated and normalized on its own, or rejected with the reason
// naming the field. The checks run in the order written here, so an event with several faults is
// always rejected for the same one.
import type { EventInput, IngestResult } from '../generated/graphql.js';
import { identifierKey, type IdentifierKey, type IdentifierTypeModel } from './identity.model.js';
import type { KnowledgeIngest } from './ingest.knowledge.js';
import type { PreparedEvent } from './ingest.plan.js';
import { normalizeIdentifier } from './normalize.js';

export type Ignored = IngestResult['ignored'][number];

export class EventRejected extends Error {}

/** What preparing an event needs besides the event. */
export interface PrepareContext {
  limits: { maxStringLength: number; maxKeyLength: number };
  defaultRegion: string;
  types: Map<string, IdentifierTypeModel>;
  /** Receives the blocked identifiers an event used, which it leaves out. */
  ignored: Ignored[];
  /** The customer-knowledge steps and the rules they prepare against. */
  profile: KnowledgeIngest;
  rules: unknown;
}

export function prepareEvent(event: EventInput, index: number, context: PrepareContext): PreparedEvent {
  const fields = new EventFields(event, index, context);
  const occurredAt = new Date(String(event.occurredAt));
  if (Number.isNaN(occurredAt.getTime())) throw new EventRejected('occurredAt is not a date-time');
  const { persona, identifiers, device } = prepareActor(event.actor, fields);
  const replaced = prepareReplacements(event, persona, identifiers, fields);
  const mentions = (event.mentions ?? []).flatMap((m, i) => {
    const key = fields.identifier(m.identifier, `mentions[${i}].identifier`, true);
    return key
      ? [{ role: fields.text(m.role, `mentions[${i}].role`, true)!.toUpperCase(), identifier: key }]
      : [];
  });
  if ((event.facts?.length || event.consents?.length) && !persona) {
    throw new EventRejected('facts and consents need actor.persona: the account they belong to');
  }
  const facts = prepareFacts(event, fields);
  const consents = (event.consents ?? []).map((c, i) => ({
    purpose: fields.key(c.purpose, `consents[${i}].purpose`, true)!,
    channel: c.channel,
    granted: c.granted,
    identifier: c.identifier ? fields.identifier(c.identifier, `consents[${i}].identifier`, false) : null,
  }));
  const tags = prepareTags(event, fields);
  // Fact values against their keys; questions asked and answers, which become DIRECT facts.
  const { maxStringLength: maxLength, maxKeyLength } = context.limits;
  const knowledge = context.profile.prepare(event, context.rules, { maxLength, maxKeyLength });
  return {
    index,
    row: eventRow(event, occurredAt, persona, fields),
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

/** An event's text fields and identifiers, checked against the limits and the identifier types. */
class EventFields {
  constructor(
    private readonly event: EventInput,
    private readonly index: number,
    private readonly context: PrepareContext,
  ) {}

  text(
    value: string | null | undefined,
    field: string,
    required = false,
    limit = this.context.limits.maxStringLength,
  ): string | null {
    if (value === null || value === undefined || value.trim() === '') {
      if (required) throw new EventRejected(`${field} is required`);
      return null;
    }
    if (value.length > limit) throw new EventRejected(`${field} is longer than ${limit} characters`);
    return value.trim();
  }

  get maxLength(): number {
    return this.context.limits.maxStringLength;
  }

  /** Indexed values have a tighter bound: Neo4j fails the whole transaction on an over-long index key. */
  key(value: string | null | undefined, field: string, required = false): string | null {
    return this.text(value, field, required, this.context.limits.maxKeyLength);
  }

  /** The identifier normalized; null when its value is blocked (listed in `ignored` if `ignore`). */
  identifier(input: { type: string; value: string }, field: string, ignore: boolean): IdentifierKey | null {
    const { types, limits, defaultRegion, ignored } = this.context;
    const type = types.get(input.type);
    if (!type) {
      throw new EventRejected(
        `${field}: unknown identifier type "${input.type}"; known types: ${[...types.keys()].join(', ')} (register others with defineIdentifierType)`,
      );
    }
    if (input.value.length > limits.maxKeyLength)
      throw new EventRejected(`${field}: value is longer than ${limits.maxKeyLength} characters`);
    const result = normalizeIdentifier(input.value, type, defaultRegion);
    if (result.outcome === 'invalid') throw new EventRejected(`${field}: ${result.reason}`);
    if (result.outcome === 'blocked') {
      if (ignore)
        ignored.push({
          index: this.index,
          id: this.event.id,
          type: input.type,
          value: input.value,
          reason: result.reason,
        });
      return null;
    }
    return { type: type.name, value: result.value };
  }
}

/** Who acted: a persona, identifiers, a device, at least one of them. */
function prepareActor(actor: EventInput['actor'], fields: EventFields) {
  const persona = actor.persona
    ? {
        key: fields.key(actor.persona.key, 'actor.persona.key', true)!,
        context: actor.persona.context ?? null,
        label: fields.text(actor.persona.label, 'actor.persona.label'),
      }
    : null;
  const identifiers: IdentifierKey[] = [];
  for (const [i, input] of (actor.identifiers ?? []).entries()) {
    const key = fields.identifier(input, `actor.identifiers[${i}]`, true);
    if (key && !identifiers.some((k) => identifierKey(k) === identifierKey(key))) identifiers.push(key);
  }
  const device = actor.device
    ? {
        id: fields.key(actor.device.id, 'actor.device.id', true)!,
        kind: actor.device.kind ?? null,
        os: fields.text(actor.device.os, 'actor.device.os'),
        browser: fields.text(actor.device.browser, 'actor.device.browser'),
        hardwareId: fields.key(actor.device.hardwareId, 'actor.device.hardwareId'),
      }
    : null;
  if (!persona && identifiers.length === 0 && !device) {
    throw new EventRejected(
      (actor.identifiers?.length ?? 0) > 0
        ? 'every actor identifier is blocked, and the actor names no persona or device'
        : 'actor names no persona, identifier or device',
    );
  }
  return { persona, identifiers, device };
}

/**
 * An identifier change: the new one joins the actor's `identifiers` (added there), the old one's
 * membership ends (returned).
 */
function prepareReplacements(
  event: EventInput,
  persona: PreparedEvent['persona'],
  identifiers: IdentifierKey[],
  fields: EventFields,
): IdentifierKey[] {
  if ((event.replaces?.length ?? 0) > 0 && !persona) {
    throw new EventRejected('replaces needs actor.persona: the account whose identifier changed');
  }
  const replaced: IdentifierKey[] = [];
  for (const [i, r] of (event.replaces ?? []).entries()) {
    const old = fields.identifier(r.old, `replaces[${i}].old`, false);
    const next = fields.identifier(r.new, `replaces[${i}].new`, false);
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
  return replaced;
}

function prepareFacts(event: EventInput, fields: EventFields): PreparedEvent['facts'] {
  return (event.facts ?? []).map((f, i) => {
    const confidence = f.confidence ?? 1;
    if (confidence < 0 || confidence > 1)
      throw new EventRejected(`facts[${i}].confidence must be between 0 and 1`);
    const value = JSON.stringify(f.value);
    if (value === undefined) throw new EventRejected(`facts[${i}].value is not JSON`);
    const maxLength = fields.maxLength;
    if (value.length > maxLength)
      throw new EventRejected(`facts[${i}].value is longer than ${maxLength} characters`);
    return {
      key: fields.key(f.key, `facts[${i}].key`, true)!,
      value,
      method: f.method ?? 'DIRECT',
      confidence,
    };
  });
}

/** The campaign, the asset, and the terms an event carries. */
function prepareTags(event: EventInput, fields: EventFields): PreparedEvent['tags'] {
  const tags: PreparedEvent['tags'] = [];
  const campaign = fields.key(event.campaign, 'campaign');
  if (campaign) tags.push({ kind: 'campaign', code: campaign, vocabulary: null });
  const asset = fields.key(event.asset, 'asset');
  if (asset) tags.push({ kind: 'asset', code: asset, vocabulary: null });
  for (const [i, t] of (event.terms ?? []).entries()) {
    tags.push({
      kind: 'term',
      code: fields.key(t.key, `terms[${i}].key`, true)!,
      vocabulary: fields.key(t.vocabulary, `terms[${i}].vocabulary`, true),
    });
  }
  return tags;
}

/** The event node's own values: checked last, after everything the event says. */
function eventRow(
  event: EventInput,
  occurredAt: Date,
  persona: PreparedEvent['persona'],
  fields: EventFields,
): PreparedEvent['row'] {
  return {
    id: fields.key(event.id, 'id', true)!,
    type: fields.key(event.type, 'type', true)!,
    occurredAt: occurredAt.toISOString(),
    source: fields.text(event.source, 'source', true)!,
    channel: event.channel ?? null,
    purpose: fields.key(event.purpose, 'purpose'),
    authenticated: event.actor.authenticated ?? false,
    personaKey: persona?.key ?? null,
    ...money(event),
  };
}

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
