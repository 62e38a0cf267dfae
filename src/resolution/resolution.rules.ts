// The resolution policy as a pipeline of small pure rules over what gather.cypher read. Each rule
// reads the state, adds its explanation step(s) and returns the next state; a rule that settles the
// answer (unknown, shared, ambiguous, excluded) makes the rules after it pass the state through.
// No rule touches the database, so each can be tested on a hand-made gathered row.
import type {
  Channel,
  FactModel,
  IdentifierKey,
  IdentifierModel,
  PersonaModel,
  PersonModel,
} from '../identity/identity.model.js';
import { identifierKey } from '../identity/identity.model.js';
import type {
  ExplanationStepModel,
  ResolutionModel,
  SuppressionModel,
  UseCaseModel,
} from './resolution.model.js';
import { factsOf, type GatheredPersona, type GatherRow } from './resolution.repository.js';

const methodRank = { DIRECT: 0, INDIRECT: 1, INFERRED: 2 } as const;
const stepConfidence = { STRONG: 0.9, WEAK: 0.5 } as const;
const groupingConfidence = 0.9;
/** STRONG evidence older than its type's staleAfterDays still counts, with this much less confidence. */
const agingConfidence = 0.8;
const dayMs = 86_400_000;

/** One fact per key: DIRECT over INDIRECT over INFERRED, then the most recent, then the most confident. */
export function chooseFacts<F extends FactModel>(facts: F[]): F[] {
  const best = new Map<string, F>();
  for (const fact of facts) {
    const current = best.get(fact.key);
    if (!current || compareFacts(fact, current) < 0) best.set(fact.key, fact);
  }
  return [...best.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
}

function compareFacts(a: FactModel, b: FactModel): number {
  return (
    methodRank[a.method] - methodRank[b.method] ||
    (a.at > b.at ? -1 : a.at < b.at ? 1 : 0) ||
    b.confidence - a.confidence
  );
}

export const describe = (p: PersonaModel) =>
  `persona ${p.key} (${p.context}${p.label ? `, "${p.label}"` : ''})`;
/** Values this long are cut in messages: an answer never echoes a pasted document back whole. */
const shownLength = 100;
export const abbreviate = (value: string) =>
  value.length > shownLength ? `${value.slice(0, shownLength - 20)}… (${value.length} characters)` : value;
export const show = (i: IdentifierKey) => `${i.type} ${abbreviate(i.value)}`;

/** A contact point the use case may reach, with the personas in scope that hold it. */
export interface ContactPoint {
  identifier: IdentifierModel;
  holderIds: ReadonlySet<string>;
  /** The identifier resolved itself: first among its type. */
  anchor: boolean;
  /** The anchor itself, or held by a persona that holds the anchor directly. */
  direct: boolean;
  /** The latest evidence of it among the personas in scope (ISO), '' when unknown. */
  lastAt: string;
}

export interface ResolutionState {
  readonly useCase: UseCaseModel;
  /** The identifier as asked, and normalized (null: not a usable value of its type). */
  readonly input: IdentifierKey;
  readonly key: IdentifierKey | null;
  /** The channel each identifier type reaches (from the registry). */
  readonly channels: ReadonlyMap<string, Channel | null>;
  /** The limit of the anchor's type, for the explanation. */
  readonly maxPersonas: number;
  /** staleAfterDays per identifier type (null: never stale). */
  readonly staleDays: ReadonlyMap<string, number | null>;
  /** The moment the graph is read as of, when it is not now (ISO). */
  readonly at: string | null;
  /** What gather.cypher read; null when the identifier is not in the graph. */
  readonly gathered: GatherRow | null;
  /** Once true, the answer is complete and the remaining rules pass the state through. */
  readonly settled: boolean;
  readonly explanation: readonly ExplanationStepModel[];
  readonly suppressions: readonly SuppressionModel[];
  /** The personas the anchor reaches: its holders, or the nearest personas through evidence. */
  readonly reach: readonly PersonaModel[];
  /** The personas the scope allows, narrowed by the context rule. */
  readonly personas: readonly PersonaModel[];
  /** The personas in scope once the scope is final (empty when it never was). */
  readonly inScope: readonly PersonaModel[];
  readonly person: PersonModel | null;
  /** Whose consents cover contact points, and whose messages count against the cap. */
  readonly consentGivers: readonly PersonaModel[];
  readonly candidates: readonly PersonaModel[];
  /** How sure the path from the anchor is, before the answer's confidence is known. */
  readonly pathConfidence: number;
  readonly confidence: number;
  /** Contact points in the order they are considered. */
  readonly contactPoints: readonly ContactPoint[];
  /** With PRESSURE_CAP: when one more message fits in the window. */
  readonly nextAllowedAt: string | null;
  /** The first contact point that passed the consent rule, waiting for the pressure rule. */
  readonly allowed: ContactPoint | null;
  /** contactEvery: the allowed contact point of each persona in scope, in scope order. */
  readonly allowedEvery: readonly ContactPoint[];
  readonly contact: IdentifierModel | null;
  readonly contacts: readonly IdentifierModel[];
  readonly facts: readonly (FactModel & { sensitive: boolean })[];
}

export type Rule = (state: ResolutionState) => ResolutionState;

// ---- helpers that keep rules short
const explain = (s: ResolutionState, rule: string, detail: string): ResolutionState => ({
  ...s,
  explanation: [...s.explanation, { rule, detail }],
});
const suppress = (s: ResolutionState, code: SuppressionModel['code'], message: string): ResolutionState => ({
  ...s,
  suppressions: [...s.suppressions, { code, message }],
});
const settle = (s: ResolutionState): ResolutionState => ({ ...s, settled: true });
/** Only while the answer is open; the rule runs on a state whose anchor is known. */
const open =
  (rule: (s: ResolutionState, gathered: GatherRow) => ResolutionState): Rule =>
  (s) =>
    s.settled || !s.gathered ? s : rule(s, s.gathered);
const scoped = (s: ResolutionState, id: string): GatheredPersona | undefined =>
  s.gathered?.scoped.find((p) => p.id === id);

/** Several personas or persons where the use case needs one: list them, pick none. */
function ambiguous(
  s: ResolutionState,
  candidates: readonly PersonaModel[],
  count: number,
  found: string,
): ResolutionState {
  return settle({
    ...suppress(s, 'AMBIGUOUS', `${found} and ${s.useCase.name} needs one`),
    candidates,
    confidence: s.pathConfidence / count,
  });
}

// ---- the rules, in order

/** States the policy the answer follows. */
export const policy: Rule = (s) => explain(s, 'policy', policySummary(s.useCase));

/** An answer as of an earlier date says what is read as of then, and what is today's. */
export const asOf: Rule = (s) =>
  s.at === null
    ? s
    : explain(
        s,
        'time.asOf',
        `as the graph stood at ${s.at}: memberships, evidence, consents, facts and messages sent then; the use case as it is defined now; persons as grouped now, narrowed to the evidence that held then`,
      );

/** How many personas hold the anchor (as of the moment read), stale WEAK holders not counted. */
const heldBy = (s: ResolutionState, g: GatherRow) =>
  s.at ? g.holders.length : g.holderCount - g.staleHolders.length;

/** Whether WEAK-or-STRONG evidence of a type, last seen at `lastAt`, is older than the type allows. */
function isStale(s: ResolutionState, type: string, lastAt: string | null): number | null {
  const days = s.staleDays.get(type) ?? null;
  if (days === null || !lastAt) return null;
  const now = s.at ? Date.parse(s.at) : Date.now();
  return now - Date.parse(lastAt) > days * dayMs ? days : null;
}

/** The identifier asked about: known, or UNKNOWN_IDENTIFIER. */
export const anchor: Rule = (s) => {
  if (s.settled) return s;
  const { key, gathered, input } = s;
  if (!key || !gathered) {
    // Only resolveMany gets this far with a type nobody defined (resolve refuses it): one bad row must
    // not fail a whole batch.
    const unusable = s.channels.has(input.type)
      ? `"${abbreviate(input.value)}" is not a usable ${input.type}`
      : `there is no identifier type "${abbreviate(input.type)}"`;
    return settle(
      explain(
        suppress(s, 'UNKNOWN_IDENTIFIER', key ? `${show(key)} is not known` : unusable),
        'anchor',
        `no identifier ${key ? show(key) : `"${abbreviate(input.value)}"`} in the graph`,
      ),
    );
  }
  const normalizedNote = key.value === input.value ? '' : ` (normalized from "${abbreviate(input.value)}")`;
  const sharedNote = gathered.anchor.shared ? `, over the ${key.type} limit of ${s.maxPersonas}: shared` : '';
  return explain(
    s,
    'anchor',
    `${show(key)}${normalizedNote}, held by ${heldBy(s, gathered)} persona(s)${sharedNote}`,
  );
};

/** IDENTIFIER scope: the identifier given and nothing else; its holders' consents cover it. */
export const identifierScope: Rule = open((s, g) => {
  if (s.useCase.scope !== 'IDENTIFIER') return s;
  const holders = g.holders.map((h) => h.persona);
  return {
    ...explain(s, 'scope.identifier', 'the identifier given and nothing else: no persona, no link'),
    consentGivers: holders,
    confidence: 1,
  };
});

/** A shared identifier never identifies anyone: it is not expanded. */
export const sharedAnchor: Rule = open((s, g) => {
  if (s.useCase.scope === 'IDENTIFIER' || !g.anchor.shared) return s;
  const withSuppressions = suppress(
    suppress(
      s,
      'SHARED_IDENTIFIER',
      `${show(g.anchor)} is held by ${heldBy(s, g)} personas, over its type's limit of ${s.maxPersonas}; it never identifies anyone`,
    ),
    'AMBIGUOUS',
    'a shared identifier leads to several unrelated personas',
  );
  return settle({
    ...explain(withSuppressions, 'scope.shared', 'shared identifiers are never expanded'),
    candidates: g.holders.map((h) => h.persona),
  });
});

/** The personas holding the anchor; failing that, the nearest ones through allowed evidence. */
export const evidence: Rule = open((s, g) => {
  if (s.useCase.scope === 'IDENTIFIER') return s;
  let next = s;
  for (const h of g.staleHolders) {
    next = explain(
      next,
      'evidence.stale',
      `${describe(h.persona)}: WEAK evidence of ${show(g.anchor)} last seen at ${h.lastAt}, older than the ${g.anchor.type} limit of ${s.staleDays.get(g.anchor.type)} day(s): it no longer counts`,
    );
  }
  let holderConfidence = 1;
  for (const h of g.holders) {
    const ended = h.to ? `, until ${h.to}` : '';
    next = explain(
      next,
      'evidence.holds',
      `${describe(h.persona)} holds ${show(g.anchor)} (${h.strength} evidence: event ${h.eventId} from ${h.source} at ${h.since}, last seen ${h.lastAt}${ended})`,
    );
    const aging = isStale(s, g.anchor.type, h.lastAt);
    if (aging !== null) {
      holderConfidence = agingConfidence;
      next = explain(
        next,
        'evidence.aging',
        `${describe(h.persona)}: STRONG evidence last seen over ${aging} day(s) ago: it counts, with less confidence`,
      );
    }
  }
  if (g.holders.length > 0)
    return { ...next, reach: g.holders.map((h) => h.persona), pathConfidence: holderConfidence };
  let pathConfidence = 1;
  for (const n of g.nearest) {
    const path = n.steps.map((step) => `${step.from} -${step.rel}(${step.strength})- ${step.to}`).join(', ');
    next = explain(next, 'evidence.path', `${describe(n.persona)} in ${n.hops} step(s): ${path}`);
    pathConfidence = Math.min(
      pathConfidence,
      n.steps.reduce((c, step) => c * stepConfidence[step.strength], 1),
    );
  }
  if (g.nearest.length === 0) {
    return settle(
      suppress(
        explain(
          next,
          'evidence.none',
          `no persona holds ${show(g.anchor)} or is linked to it by ${strengthsOf(s.useCase).join('/')} evidence within ${s.useCase.maxHops} step(s)`,
        ),
        'NO_CONTACT',
        `no persona is known for ${show(g.anchor)} under this policy`,
      ),
    );
  }
  return { ...next, reach: g.nearest.map((n) => n.persona), pathConfidence };
});

type PersonFound = GatherRow['persons'][number];

/** The shared identifiers that still group the person's personas: WEAK ones gone stale are left out. */
function evidenceThatCounts(
  s: ResolutionState,
  person: PersonFound,
): { state: ResolutionState; counted: PersonFound['sharedIdentifiers']; aging: boolean } {
  let state = s;
  let aging = false;
  const counted = person.sharedIdentifiers.filter((x) => {
    const stale = x.strengths.map((strength, n) => ({
      strength,
      days: isStale(s, x.type, x.lastAts[n] ?? null),
    }));
    const weakStale = stale.find((m) => m.strength === 'WEAK' && m.days !== null);
    if (weakStale) {
      state = explain(
        state,
        'scope.stale',
        `${x.a} and ${x.b} share ${x.type} ${x.value}, but by WEAK evidence older than ${weakStale.days} day(s): it no longer groups them`,
      );
      return false;
    }
    if (stale.some((m) => m.days !== null)) aging = true;
    return true;
  });
  return { state, counted, aging };
}

/** The personas reachable from those reached, over the counted evidence and the assertions. */
function connectedPersonas(person: PersonFound, counted: PersonFound['sharedIdentifiers']): Set<string> {
  const neighbours = new Map<string, string[]>();
  const link = (a: string, b: string) => {
    neighbours.set(a, [...(neighbours.get(a) ?? []), b]);
    neighbours.set(b, [...(neighbours.get(b) ?? []), a]);
  };
  for (const x of counted) link(x.aId, x.bId);
  for (const x of person.assertions) link(x.aId, x.bId);
  const connected = new Set<string>(person.personaIds);
  const queue = [...person.personaIds];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    for (const n of neighbours.get(id) ?? []) {
      if (!connected.has(n)) {
        connected.add(n);
        queue.push(n);
      }
    }
  }
  return connected;
}

/** PERSONA scope: the personas reached. PERSON scope: every persona of the one person reached. */
export const scope: Rule = open((s, g) => {
  if (s.useCase.scope === 'PERSONA') return { ...s, personas: s.reach };
  if (s.useCase.scope !== 'PERSON') return s;
  if (g.persons.length > 1) {
    return ambiguous(s, s.reach, g.persons.length, `${show(g.anchor)} leads to ${g.persons.length} persons`);
  }
  const person = g.persons[0];
  if (!person) {
    return settle(suppress(s, 'NO_CONTACT', 'the personas found are not grouped into a person yet'));
  }
  // The members still connected to the personas reached through evidence that counts (as of the
  // moment read): a WEAK membership gone stale no longer groups anyone.
  const { state, counted, aging } = evidenceThatCounts(s, person);
  let next = state;
  const connected = connectedPersonas(person, counted);
  const members = person.members.filter((m) => connected.has(m.id));
  for (const m of person.members.filter((m) => !connected.has(m.id))) {
    next = explain(next, 'scope.stale', `${describe(m)} left out: no longer grouped by evidence that counts`);
  }
  const grouping = [
    ...counted
      .filter((x) => connected.has(x.aId))
      .map((x) => `${x.a} and ${x.b} share ${x.type} ${x.value} (within its limit)`),
    ...person.assertions
      .filter((x) => connected.has(x.aId))
      .map((x) => `${x.a} and ${x.b} asserted one person: "${x.evidence}"`),
  ];
  const confidence = members.length > 1 ? groupingConfidence * (aging ? agingConfidence : 1) : 1;
  return {
    ...explain(
      next,
      'scope.person',
      `person ${person.id} groups ${members.length} persona(s)${grouping.length ? `: ${grouping.join('; ')}` : ''}`,
    ),
    person: { id: person.id },
    personas: members,
    pathConfidence: s.pathConfidence * confidence,
  };
});

/** Personas whose context the use case does not allow are left out, each with its reason. */
export const contexts: Rule = open((s) => {
  if (s.useCase.scope === 'IDENTIFIER') return s;
  const { contexts: allowed, excludeContexts } = s.useCase;
  let next = s;
  const kept = s.personas.filter((p) => {
    const isAllowed =
      (allowed === null || allowed.includes(p.context)) && !excludeContexts.includes(p.context);
    if (!isAllowed) {
      next = explain(next, 'scope.context', `${describe(p)} left out: context ${p.context} not allowed`);
    }
    return isAllowed;
  });
  if (kept.length === 0) {
    const message =
      s.useCase.scope === 'PERSONA'
        ? `${s.reach.map(describe).join(', ')}: context not allowed for ${s.useCase.name}`
        : `no persona of the person has a context allowed for ${s.useCase.name}`;
    return settle({ ...suppress(next, 'EXCLUDED_CONTEXT', message), personas: [] });
  }
  return { ...next, personas: kept };
});

/** PERSONA scope needs one persona: several are AMBIGUOUS. Then the scope is final. */
export const single: Rule = open((s, g) => {
  if (s.useCase.scope === 'IDENTIFIER') return s;
  if (s.useCase.scope === 'PERSONA' && s.personas.length > 1) {
    return ambiguous(
      s,
      s.personas,
      s.personas.length,
      `${show(g.anchor)} leads to ${s.personas.length} personas`,
    );
  }
  return { ...s, inScope: s.personas, consentGivers: s.personas, confidence: s.pathConfidence };
});

/** Contact points by identifier, each gathering its holders and its most direct, latest proof. */
function contactPointCollector(g: GatherRow) {
  const points = new Map<string, ContactPoint & { holderIds: Set<string> }>();
  const add = (identifier: IdentifierModel, direct: boolean, lastAt: string, holderId?: string) => {
    const k = identifierKey(identifier);
    const anchor = identifier.type === g.anchor.type && identifier.value === g.anchor.value;
    const point = points.get(k) ?? { identifier, holderIds: new Set<string>(), anchor, direct, lastAt };
    if (holderId) point.holderIds.add(holderId);
    point.direct ||= direct;
    if (lastAt > point.lastAt) point.lastAt = lastAt;
    points.set(k, point);
  };
  return { points, add };
}

/** The order the contact choice names: type preference, anchor, direct, latest, then by value. */
function inPreferredOrder<P extends ContactPoint>(s: ResolutionState, points: P[]): P[] {
  const preference = (p: ContactPoint) => s.useCase.contactTypes.indexOf(p.identifier.type);
  return points
    .filter((p) => preference(p) >= 0)
    .sort(
      (a, b) =>
        preference(a) - preference(b) ||
        Number(b.anchor) - Number(a.anchor) ||
        Number(b.direct) - Number(a.direct) ||
        (a.lastAt > b.lastAt ? -1 : a.lastAt < b.lastAt ? 1 : 0) ||
        (identifierKey(a.identifier) < identifierKey(b.identifier) ? -1 : 1),
    );
}

/**
 * The contact points considered, in the order the contact choice names: the use case's preference of
 * types; then the anchor itself and the identifiers of personas holding the anchor directly; then the
 * most recently proven; then by value, so the same graph always gives the same order. IDENTIFIER
 * scope considers the anchor alone. WEAK memberships gone stale are no contact points.
 */
export const contactPoints: Rule = open((s, g) => {
  if (s.useCase.contactTypes.length === 0)
    return explain(s, 'contact.none', 'the use case names no contact types');
  const holdsAnchor = new Set(g.holders.map((h) => h.persona.id));
  const anchorLastAt = g.holders.reduce(
    (latest, h) => (h.lastAt && h.lastAt > latest ? h.lastAt : latest),
    '',
  );
  const { points, add } = contactPointCollector(g);
  let next = s;
  const ended = anchorEnded(g);
  if (ended) {
    next = explain(
      next,
      'contact.ended',
      `${show(g.anchor)} is no contact point: ${endingText(ended)}; nobody holds it now`,
    );
  } else if (s.useCase.scope === 'IDENTIFIER') {
    add(g.anchor, true, anchorLastAt);
    for (const holder of s.consentGivers) add(g.anchor, true, anchorLastAt, holder.id);
  } else if (s.inScope.some((p) => s.reach.some((r) => r.id === p.id))) {
    add(g.anchor, true, anchorLastAt);
  }
  for (const persona of s.inScope) {
    for (const i of scoped(s, persona.id)?.identifiers ?? []) {
      const days = i.strength === 'WEAK' ? isStale(s, i.type, i.lastAt) : null;
      if (days !== null) {
        next = explain(
          next,
          'contact.stale',
          `${show(i)} of ${describe(persona)} skipped: WEAK evidence last seen at ${i.lastAt}, over ${days} day(s) ago`,
        );
        continue;
      }
      const isAnchor = i.type === g.anchor.type && i.value === g.anchor.value;
      add(
        { type: i.type, value: i.value, shared: i.shared },
        isAnchor || holdsAnchor.has(persona.id),
        i.lastAt ?? '',
        persona.id,
      );
    }
  }
  const ordered = inPreferredOrder(s, [...points.values()]);
  return { ...next, contactPoints: ordered };
});

/**
 * The latest ending of an anchor nobody holds now: a replaced or recycled-away identifier is history,
 * never a contact point, also when it is the identifier asked about. Null when it is not history.
 */
function anchorEnded(g: GatherRow): GatherRow['endings'][number] | null {
  return g.holders.length === 0 && g.staleHolders.length === 0 ? (g.endings[0] ?? null) : null;
}

const endingText = (e: GatherRow['endings'][number]) =>
  `its membership of persona ${e.persona} ended at ${e.to}${e.endedBy ? ` (${e.endedBy})` : ''}`;

/** Whether the contact choice's rule cannot tell two contact points apart. */
const tied = (a: ContactPoint, b: ContactPoint) =>
  a.identifier.type === b.identifier.type &&
  !a.anchor &&
  !b.anchor &&
  a.direct === b.direct &&
  a.lastAt === b.lastAt;

type Verdict =
  | { allowed: true; step: ExplanationStepModel | null }
  | { allowed: false; why: 'shared' | 'channel' | 'consent'; step: ExplanationStepModel };

/**
 * A contact point passes when it is not shared and, when the use case needs consent, its latest
 * consent for the purpose on its channel is a grant: one given for it, or one given for the whole
 * channel by one of `givers` that holds it. Another persona's channel-wide consent never covers it: a
 * withdrawal in one account is not overridden by a grant in another.
 */
function verdict(s: ResolutionState, point: ContactPoint, givers: readonly PersonaModel[]): Verdict {
  const candidate = point.identifier;
  const purpose = s.useCase.consentPurpose;
  if (candidate.shared) {
    return {
      allowed: false,
      why: 'shared',
      step: { rule: 'contact.shared', detail: `${show(candidate)} skipped: shared by many personas` },
    };
  }
  if (!purpose) return { allowed: true, step: null };
  const channel = s.channels.get(candidate.type);
  if (!channel) {
    return {
      allowed: false,
      why: 'channel',
      step: { rule: 'contact.channel', detail: `${show(candidate)} skipped: its type reaches no channel` },
    };
  }
  const latest = latestConsent(s, point, channel, givers);
  if (!latest?.granted) {
    return {
      allowed: false,
      why: 'consent',
      step: {
        rule: 'contact.consent',
        detail: latest
          ? `${show(candidate)} skipped: "${purpose}" on ${channel} withdrawn at ${latest.at}`
          : `${show(candidate)} skipped: no "${purpose}" consent on ${channel}`,
      },
    };
  }
  return {
    allowed: true,
    step: {
      rule: 'contact.consent',
      detail: `${show(candidate)}: "${purpose}" on ${channel} granted at ${latest.at}`,
    },
  };
}

/** Why nothing passed, from the verdicts of the points refused. */
function refusal(s: ResolutionState, refused: ReadonlySet<string>): ResolutionState {
  if (refused.has('consent'))
    return suppress(s, 'NO_CONSENT', `no contact point in scope has "${s.useCase.consentPurpose}" consent`);
  if (refused.has('shared'))
    return suppress(s, 'SHARED_IDENTIFIER', 'the only contact points in scope are shared');
  const ended = s.gathered ? anchorEnded(s.gathered) : null;
  const history = ended ? ` (${show(s.gathered!.anchor)}: ${endingText(ended)})` : '';
  return suppress(s, 'NO_CONTACT', `no ${s.useCase.contactTypes.join(' or ')} in scope${history}`);
}

/**
 * The first contact point in order that passes. Where the next one that passes is tied with it by the
 * contact choice's rule and belongs to other personas, the answer is AMBIGUOUS: nobody is picked by
 * chance. With contactEvery: the first that passes for each persona in scope, under its own consent.
 */
export const consent: Rule = open((s) => {
  if (s.useCase.contactTypes.length === 0) return s;
  if (s.useCase.contactEvery && s.useCase.scope !== 'IDENTIFIER') return consentEvery(s);
  let next = s;
  const refused = new Set<string>();
  let first: ContactPoint | null = null;
  for (const point of s.contactPoints) {
    if (first && !tied(first, point)) break;
    const v = verdict(s, point, s.consentGivers);
    if (v.step) next = explain(next, v.step.rule, v.step.detail);
    if (!v.allowed) {
      refused.add(v.why);
      continue;
    }
    if (!first) {
      first = point;
      continue;
    }
    const others = [...point.holderIds].filter((id) => !first!.holderIds.has(id));
    if (others.length > 0 && ![...first.holderIds].every((id) => point.holderIds.has(id))) {
      const ids = new Set([...first.holderIds, ...point.holderIds]);
      return ambiguous(
        next,
        s.inScope.filter((p) => ids.has(p.id)),
        ids.size,
        `${show(first.identifier)} and ${show(point.identifier)} of different personas are equally recent (${first.lastAt || 'unknown'}) and the contact choice cannot tell them apart`,
      );
    }
  }
  return first ? { ...next, allowed: first } : refusal(next, refused);
});

function consentEvery(s: ResolutionState): ResolutionState {
  let next = s;
  const refused = new Set<string>();
  const chosen: ContactPoint[] = [];
  for (const persona of s.inScope) {
    let found: ContactPoint | null = null;
    for (const point of s.contactPoints.filter((p) => p.holderIds.has(persona.id))) {
      const v = verdict(s, point, [persona]);
      if (v.step) next = explain(next, v.step.rule, `${describe(persona)}: ${v.step.detail}`);
      if (v.allowed) {
        found = point;
        break;
      }
      refused.add(v.why);
    }
    next = explain(
      next,
      'contact.every',
      found
        ? `${describe(persona)} reached at ${show(found.identifier)}`
        : `${describe(persona)}: no allowed contact point`,
    );
    if (found && !chosen.some((c) => identifierKey(c.identifier) === identifierKey(found.identifier)))
      chosen.push(found);
  }
  if (chosen.length === 0) return refusal(next, refused);
  return { ...next, allowed: chosen[0]!, allowedEvery: chosen };
}

function latestConsent(
  s: ResolutionState,
  point: ContactPoint,
  channel: string,
  givers: readonly PersonaModel[],
) {
  let latest: { granted: boolean; at: string } | null = null;
  for (const giver of givers) {
    for (const c of scoped(s, giver.id)?.consents ?? []) {
      if (c.channel !== channel) continue;
      const covers = c.identifier
        ? c.identifier.type === point.identifier.type && c.identifier.value === point.identifier.value
        : point.holderIds.has(giver.id);
      if (covers && (!latest || c.at > latest.at)) latest = c;
    }
  }
  return latest;
}

/** Messages of the capped purpose in the window, to the personas in scope or to the anchor. */
export const pressure: Rule = open((s, g) => {
  if (!s.allowed || !s.useCase.pressureCap) return s;
  const { max, windowDays, purpose } = s.useCase.pressureCap;
  const givers = new Set(s.consentGivers.map((p) => p.id));
  const counted = new Map(
    g.messages.filter((m) => m.personaId === null || givers.has(m.personaId)).map((m) => [m.id, m.at]),
  );
  const sent = counted.size;
  if (sent >= max) {
    // One more fits once all but max - 1 of them have left the window: the (sent - max + 1)th oldest.
    const leaving = [...counted.values()].sort()[sent - max];
    const nextAllowedAt = leaving
      ? new Date(Date.parse(leaving) + windowDays * 86_400_000).toISOString()
      : null;
    return {
      ...explain(
        suppress(
          s,
          'PRESSURE_CAP',
          `${sent} "${purpose}" message(s) in the last ${windowDays} day(s); the cap is ${max}`,
        ),
        'contact.pressure',
        `cap reached: ${sent} of ${max} in ${windowDays} day(s)`,
      ),
      allowed: null,
      allowedEvery: [],
      nextAllowedAt,
    };
  }
  return explain(s, 'contact.pressure', `${sent} of ${max} "${purpose}" message(s) in ${windowDays} day(s)`);
});

/** The contact point that passed every rule, and the rule that chose it. */
export const contactChoice: Rule = open((s) => {
  if (!s.allowed) return s;
  const rule = `first allowed by: type preference ${s.useCase.contactTypes.join(' > ')}; then the anchor itself; then the personas holding the anchor directly; then the most recently proven; then by value`;
  if (s.useCase.contactEvery && s.useCase.scope !== 'IDENTIFIER') {
    return {
      ...explain(
        s,
        'contact.choice',
        `every persona in scope: ${s.allowedEvery.map((p) => show(p.identifier)).join(', ')}, each the ${rule}`,
      ),
      contact: s.allowed.identifier,
      contacts: s.allowedEvery.map((p) => p.identifier),
    };
  }
  const seen = s.allowed.lastAt
    ? ` (last proven ${s.allowed.lastAt}${s.allowed.direct ? ', held directly' : ''})`
    : '';
  return {
    ...explain(s, 'contact.choice', `${show(s.allowed.identifier)}${seen}: the ${rule}`),
    contact: s.allowed.identifier,
    contacts: [s.allowed.identifier],
  };
});

/** The facts visible in scope, one per key, and which required ones are still missing. */
export const facts: Rule = open((s) => {
  if (s.useCase.scope === 'IDENTIFIER') return s;
  const visible = chooseFacts(
    s.inScope.flatMap((p) => {
      const gathered = scoped(s, p.id);
      return gathered ? factsOf(gathered) : [];
    }),
  );
  const required = s.useCase.requiredFacts;
  if (required.length === 0) return { ...s, facts: visible };
  const missing = required.filter((k) => !visible.some((f) => f.key === k));
  return {
    ...explain(
      s,
      'facts.required',
      missing.length ? `still missing: ${missing.join(', ')}` : 'every required fact is known',
    ),
    facts: visible,
  };
});

export const rules: readonly Rule[] = [
  policy,
  asOf,
  anchor,
  identifierScope,
  sharedAnchor,
  evidence,
  scope,
  contexts,
  single,
  contactPoints,
  consent,
  pressure,
  contactChoice,
  facts,
];

export function strengthsOf(useCase: UseCaseModel): ('STRONG' | 'WEAK')[] {
  return useCase.minStrength === 'WEAK' ? ['STRONG', 'WEAK'] : ['STRONG'];
}

/** The state before the first rule. */
export function initialState(
  fields: Pick<
    ResolutionState,
    'useCase' | 'input' | 'key' | 'channels' | 'maxPersonas' | 'gathered' | 'staleDays' | 'at'
  >,
): ResolutionState {
  return {
    ...fields,
    settled: false,
    explanation: [],
    suppressions: [],
    reach: [],
    personas: [],
    inScope: [],
    person: null,
    consentGivers: [],
    candidates: [],
    pathConfidence: 1,
    confidence: 0,
    contactPoints: [],
    allowed: null,
    allowedEvery: [],
    nextAllowedAt: null,
    contact: null,
    contacts: [],
    facts: [],
  };
}

/** Runs the rules in order and returns the answer. */
export function applyPolicy(start: ResolutionState, pipeline: readonly Rule[] = rules): ResolutionModel {
  const s = pipeline.reduce((state, rule) => rule(state), start);
  return {
    useCase: s.useCase.name,
    scope: s.useCase.scope,
    anchor: s.gathered?.anchor ?? null,
    personas: [...s.inScope],
    person: s.person,
    contact: s.contact,
    contacts: [...s.contacts],
    facts: [...s.facts],
    suppressions: [...s.suppressions],
    candidates: [...s.candidates],
    confidence: s.confidence,
    explanation: [...s.explanation],
    nextAllowedAt: s.nextAllowedAt,
  };
}

function policySummary(u: UseCaseModel): string {
  const parts = [
    `use case ${u.name}: scope ${u.scope}`,
    `evidence ${u.minStrength === 'WEAK' ? 'STRONG or WEAK' : 'STRONG only'} within ${u.maxHops} step(s)`,
  ];
  if (u.contexts) parts.push(`contexts ${u.contexts.join(', ')}`);
  if (u.excludeContexts.length) parts.push(`never ${u.excludeContexts.join(', ')}`);
  if (u.contactTypes.length)
    parts.push(`contact${u.contactEvery ? ' every persona' : ''} by ${u.contactTypes.join(' > ')}`);
  parts.push(u.consentPurpose ? `needs "${u.consentPurpose}" consent` : 'no consent needed');
  if (u.pressureCap)
    parts.push(
      `at most ${u.pressureCap.max} "${u.pressureCap.purpose}" in ${u.pressureCap.windowDays} day(s)`,
    );
  return parts.join('; ');
}
