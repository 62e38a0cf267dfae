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
export const show = (i: IdentifierKey) => `${i.type} ${i.value}`;

/** A contact point the use case may reach, with the personas in scope that hold it. */
export interface ContactPoint {
  identifier: IdentifierModel;
  holderIds: ReadonlySet<string>;
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
  /** The first contact point that passed the consent rule, waiting for the pressure rule. */
  readonly allowed: ContactPoint | null;
  readonly contact: IdentifierModel | null;
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

/** The identifier asked about: known, or UNKNOWN_IDENTIFIER. */
export const anchor: Rule = (s) => {
  if (s.settled) return s;
  const { key, gathered, input } = s;
  if (!key || !gathered) {
    return settle(
      explain(
        suppress(
          s,
          'UNKNOWN_IDENTIFIER',
          key ? `${show(key)} is not known` : `"${input.value}" is not a usable ${input.type}`,
        ),
        'anchor',
        `no identifier ${key ? show(key) : `"${input.value}"`} in the graph`,
      ),
    );
  }
  const normalizedNote = key.value === input.value ? '' : ` (normalized from "${input.value}")`;
  const sharedNote = gathered.anchor.shared ? `, over the ${key.type} limit of ${s.maxPersonas}: shared` : '';
  return explain(
    s,
    'anchor',
    `${show(key)}${normalizedNote}, held by ${gathered.holders.length} persona(s)${sharedNote}`,
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
      `${show(g.anchor)} is held by ${g.holders.length} personas, over its type's limit of ${s.maxPersonas}; it never identifies anyone`,
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
  for (const h of g.holders) {
    next = explain(
      next,
      'evidence.holds',
      `${describe(h.persona)} holds ${show(g.anchor)} (${h.strength} evidence: event ${h.eventId} from ${h.source} at ${h.since})`,
    );
  }
  if (g.holders.length > 0) return { ...next, reach: g.holders.map((h) => h.persona), pathConfidence: 1 };
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
  const grouping = [
    ...person.sharedIdentifiers.map((x) => `${x.a} and ${x.b} share ${x.type} ${x.value} (within its limit)`),
    ...person.assertions.map((x) => `${x.a} and ${x.b} asserted one person: "${x.evidence}"`),
  ];
  return {
    ...explain(
      s,
      'scope.person',
      `person ${person.id} groups ${person.members.length} persona(s)${grouping.length ? `: ${grouping.join('; ')}` : ''}`,
    ),
    person: { id: person.id },
    personas: person.members,
    pathConfidence: person.members.length > 1 ? s.pathConfidence * groupingConfidence : s.pathConfidence,
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

/**
 * The contact points considered, in order: IDENTIFIER scope, the anchor alone; otherwise the anchor
 * first when the scope reached it, then the identifiers the personas in scope hold; grouped by the use
 * case's preference of types.
 */
export const contactPoints: Rule = open((s, g) => {
  if (s.useCase.contactTypes.length === 0)
    return explain(s, 'contact.none', 'the use case names no contact types');
  const points = new Map<string, { identifier: IdentifierModel; holderIds: Set<string> }>();
  const add = (identifier: IdentifierModel, holderId?: string) => {
    const k = identifierKey(identifier);
    const point = points.get(k) ?? { identifier, holderIds: new Set<string>() };
    if (holderId) point.holderIds.add(holderId);
    points.set(k, point);
  };
  if (s.useCase.scope === 'IDENTIFIER') {
    add(g.anchor);
    for (const holder of s.consentGivers) add(g.anchor, holder.id);
  } else if (s.inScope.some((p) => s.reach.some((r) => r.id === p.id))) {
    add(g.anchor);
  }
  for (const persona of s.inScope) {
    for (const i of scoped(s, persona.id)?.identifiers ?? []) {
      add({ type: i.type, value: i.value, shared: i.shared }, persona.id);
    }
  }
  const ordered = s.useCase.contactTypes.flatMap((type) =>
    [...points.values()].filter((p) => p.identifier.type === type),
  );
  return { ...s, contactPoints: ordered };
});

/**
 * The first contact point that is not shared and, when the use case needs consent, whose latest
 * consent for the purpose on its channel is a grant: one given for it, or one given for the whole
 * channel by a persona that holds it. Another persona's channel-wide consent never covers it: a
 * withdrawal in one account is not overridden by a grant in another.
 */
export const consent: Rule = open((s) => {
  if (s.useCase.contactTypes.length === 0) return s;
  const purpose = s.useCase.consentPurpose;
  let next = s;
  let refusedForConsent = false;
  let refusedShared = false;
  for (const point of s.contactPoints) {
    const candidate = point.identifier;
    if (candidate.shared) {
      refusedShared = true;
      next = explain(next, 'contact.shared', `${show(candidate)} skipped: shared by many personas`);
      continue;
    }
    if (purpose) {
      const channel = s.channels.get(candidate.type);
      if (!channel) {
        next = explain(next, 'contact.channel', `${show(candidate)} skipped: its type reaches no channel`);
        continue;
      }
      const latest = latestConsent(s, point, channel);
      if (!latest?.granted) {
        refusedForConsent = true;
        next = explain(
          next,
          'contact.consent',
          latest
            ? `${show(candidate)} skipped: "${purpose}" on ${channel} withdrawn at ${latest.at}`
            : `${show(candidate)} skipped: no "${purpose}" consent on ${channel}`,
        );
        continue;
      }
      next = explain(
        next,
        'contact.consent',
        `${show(candidate)}: "${purpose}" on ${channel} granted at ${latest.at}`,
      );
    }
    return { ...next, allowed: point };
  }
  if (refusedForConsent)
    return suppress(next, 'NO_CONSENT', `no contact point in scope has "${purpose}" consent`);
  if (refusedShared)
    return suppress(next, 'SHARED_IDENTIFIER', 'the only contact points in scope are shared');
  return suppress(next, 'NO_CONTACT', `no ${s.useCase.contactTypes.join(' or ')} in scope`);
});

function latestConsent(s: ResolutionState, point: ContactPoint, channel: string) {
  let latest: { granted: boolean; at: string } | null = null;
  for (const giver of s.consentGivers) {
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
  const sent = new Set(
    g.messages.filter((m) => m.personaId === null || givers.has(m.personaId)).map((m) => m.id),
  ).size;
  if (sent >= max) {
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
    };
  }
  return explain(s, 'contact.pressure', `${sent} of ${max} "${purpose}" message(s) in ${windowDays} day(s)`);
});

/** The contact point that passed every rule, and the rule that chose it. */
export const contactChoice: Rule = open((s) => {
  if (!s.allowed) return s;
  return {
    ...explain(
      s,
      'contact.choice',
      `${show(s.allowed.identifier)}: first allowed contact by preference ${s.useCase.contactTypes.join(' > ')}`,
    ),
    contact: s.allowed.identifier,
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
  fields: Pick<ResolutionState, 'useCase' | 'input' | 'key' | 'channels' | 'maxPersonas' | 'gathered'>,
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
    contact: null,
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
    facts: [...s.facts],
    suppressions: [...s.suppressions],
    candidates: [...s.candidates],
    confidence: s.confidence,
    explanation: [...s.explanation],
  };
}

function policySummary(u: UseCaseModel): string {
  const parts = [
    `use case ${u.name}: scope ${u.scope}`,
    `evidence ${u.minStrength === 'WEAK' ? 'STRONG or WEAK' : 'STRONG only'} within ${u.maxHops} step(s)`,
  ];
  if (u.contexts) parts.push(`contexts ${u.contexts.join(', ')}`);
  if (u.excludeContexts.length) parts.push(`never ${u.excludeContexts.join(', ')}`);
  if (u.contactTypes.length) parts.push(`contact by ${u.contactTypes.join(' > ')}`);
  parts.push(u.consentPurpose ? `needs "${u.consentPurpose}" consent` : 'no consent needed');
  if (u.pressureCap)
    parts.push(
      `at most ${u.pressureCap.max} "${u.pressureCap.purpose}" in ${u.pressureCap.windowDays} day(s)`,
    );
  return parts.join('; ');
}
