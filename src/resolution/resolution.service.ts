// Resolution per use case: from one identifier to the personas and person in scope, the contact
// point the policy allows, the facts it may see, and an explanation of every step. It never picks
// silently: several personas or persons where one is needed is AMBIGUOUS, with the candidates.
import { badUserInput, notFound } from '../errors.js';
import type { UseCaseInput } from '../generated/graphql.js';
import type { Graph } from '../graph/run.js';
import type { IdentityService } from '../identity/identity.service.js';
import type { FactModel, IdentifierKey, IdentifierModel, PersonaModel } from '../identity/identity.model.js';
import type { IdentityLoaders } from '../identity/identity.loaders.js';
import type {
  ExplanationStepModel,
  ResolutionModel,
  SuppressionModel,
  UseCaseModel,
} from './resolution.model.js';
import { ResolutionRepository } from './resolution.repository.js';

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

const describe = (p: PersonaModel) => `persona ${p.key} (${p.context}${p.label ? `, "${p.label}"` : ''})`;
const show = (i: IdentifierKey) => `${i.type} ${i.value}`;

export class ResolutionService {
  private readonly repo: ResolutionRepository;

  constructor(
    graph: Graph,
    private readonly identity: IdentityService,
    private readonly loaders: IdentityLoaders,
    private readonly actor: string,
  ) {
    this.repo = new ResolutionRepository(graph);
  }

  useCases() {
    return this.repo.useCases();
  }

  async useCase(name: string): Promise<UseCaseModel | null> {
    const [found] = await this.repo.useCasesByNames([name]);
    return found ?? null;
  }

  async defineUseCase(input: UseCaseInput): Promise<UseCaseModel> {
    const name = input.name.trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/.test(name)) {
      throw badUserInput('name must be 1-80 letters, digits, "-", "_", "." or ":"');
    }
    const maxHops = input.maxHops ?? 3;
    if (maxHops < 1 || maxHops > 6) throw badUserInput('maxHops must be between 1 and 6');
    if (input.pressureCap && (input.pressureCap.max < 0 || input.pressureCap.windowDays < 1)) {
      throw badUserInput('pressureCap needs max >= 0 and windowDays >= 1');
    }
    const known = new Set((await this.identity.identifierTypes()).map((t) => t.name));
    const unknown = (input.contactTypes ?? []).filter((t) => !known.has(t));
    if (unknown.length) throw badUserInput(`Unknown contact type(s): ${unknown.join(', ')}`);
    return this.repo.defineUseCase(
      {
        name,
        description: input.description ?? null,
        scope: input.scope,
        minStrength: input.minStrength ?? 'STRONG',
        maxHops,
        contexts: input.contexts ?? null,
        excludeContexts: input.excludeContexts ?? [],
        contactTypes: input.contactTypes ?? [],
        consentPurpose: input.consentPurpose ?? null,
        pressureCap: input.pressureCap
          ? {
              max: input.pressureCap.max,
              windowDays: input.pressureCap.windowDays,
              purpose: input.pressureCap.purpose ?? name,
            }
          : null,
        requiredFacts: input.requiredFacts ?? [],
      },
      this.actor,
    );
  }

  async resolve(input: { type: string; value: string }, useCaseName: string): Promise<ResolutionModel> {
    // Independent reads go out together: a resolution is a handful of short round trips.
    const [useCase, registry] = await Promise.all([
      this.useCase(useCaseName),
      this.identity.identifierTypes(),
    ]);
    if (!useCase) throw notFound(`No use case named "${useCaseName}"; define it with defineUseCase`);
    const explanation: ExplanationStepModel[] = [{ rule: 'policy', detail: policySummary(useCase) }];
    const suppressions: SuppressionModel[] = [];
    const result: ResolutionModel = {
      useCase: useCase.name,
      scope: useCase.scope,
      anchor: null,
      personas: [],
      person: null,
      contact: null,
      facts: [],
      suppressions,
      candidates: [],
      confidence: 0,
      explanation,
    };

    const key = this.identity.tryNormalizeAmong(registry, input);
    const anchor = key ? await this.repo.anchor(key) : null;
    // The registry just read says which channel each contact type reaches.
    const channels = new Map(registry.map((t) => [t.name, t.contactChannel as string | null]));
    if (!key || !anchor) {
      suppressions.push({
        code: 'UNKNOWN_IDENTIFIER',
        message: key ? `${show(key)} is not known` : `"${input.value}" is not a usable ${input.type}`,
      });
      explanation.push({
        rule: 'anchor',
        detail: `no identifier ${key ? show(key) : `"${input.value}"`} in the graph`,
      });
      return result;
    }
    result.anchor = anchor.anchor;
    const normalizedNote = key.value === input.value ? '' : ` (normalized from "${input.value}")`;
    explanation.push({
      rule: 'anchor',
      detail: `${show(key)}${normalizedNote}, held by ${anchor.holders.length} persona(s)${anchor.anchor.shared ? `, over the ${key.type} limit of ${anchor.maxPersonas}: shared` : ''}`,
    });

    if (useCase.scope === 'IDENTIFIER') {
      explanation.push({
        rule: 'scope.identifier',
        detail: 'the identifier given and nothing else: no persona, no link',
      });
      result.confidence = 1;
      const holders = anchor.holders.map((h) => h.persona);
      const holding = heldBy(
        holders,
        holders.map(() => [anchor.anchor]),
      );
      await this.chooseContact(result, useCase, channels, [anchor.anchor], holders, holding);
      return result;
    }

    if (anchor.anchor.shared) {
      suppressions.push({
        code: 'SHARED_IDENTIFIER',
        message: `${show(key)} is held by ${anchor.holders.length} personas, over its type's limit of ${anchor.maxPersonas}; it never identifies anyone`,
      });
      suppressions.push({
        code: 'AMBIGUOUS',
        message: 'a shared identifier leads to several unrelated personas',
      });
      result.candidates = anchor.holders.map((h) => h.persona);
      explanation.push({ rule: 'scope.shared', detail: 'shared identifiers are never expanded' });
      return result;
    }

    // Reach: the personas holding the anchor; failing that, the nearest ones through allowed evidence.
    let reach: PersonaModel[] = anchor.holders.map((h) => h.persona);
    let confidence = 1;
    for (const h of anchor.holders) {
      explanation.push({
        rule: 'evidence.holds',
        detail: `${describe(h.persona)} holds ${show(key)} (${h.strength} evidence: event ${h.eventId} from ${h.source} at ${h.since})`,
      });
    }
    if (reach.length === 0) {
      const strengths = useCase.minStrength === 'WEAK' ? ['STRONG', 'WEAK'] : ['STRONG'];
      const nearest = await this.repo.nearestPersonas(key, strengths, useCase.maxHops);
      reach = nearest.map((n) => n.persona);
      for (const n of nearest) {
        const path = n.steps.map((s) => `${s.from} -${s.rel}(${s.strength})- ${s.to}`).join(', ');
        explanation.push({
          rule: 'evidence.path',
          detail: `${describe(n.persona)} in ${n.hops} step(s): ${path}`,
        });
        const pathConfidence = n.steps.reduce(
          (c, s) => c * (stepConfidence[s.strength as 'STRONG' | 'WEAK'] ?? stepConfidence.WEAK),
          1,
        );
        confidence = Math.min(confidence, pathConfidence);
      }
      if (reach.length === 0) {
        explanation.push({
          rule: 'evidence.none',
          detail: `no persona holds ${show(key)} or is linked to it by ${strengths.join('/')} evidence within ${useCase.maxHops} step(s)`,
        });
        suppressions.push({
          code: 'NO_CONTACT',
          message: `no persona is known for ${show(key)} under this policy`,
        });
        return result;
      }
    }

    let inScope: PersonaModel[];
    if (useCase.scope === 'PERSONA') {
      inScope = this.allowedByContext(reach, useCase, explanation);
      if (inScope.length === 0) {
        suppressions.push({
          code: 'EXCLUDED_CONTEXT',
          message: `${reach.map(describe).join(', ')}: context not allowed for ${useCase.name}`,
        });
        return result;
      }
      if (inScope.length > 1) {
        return ambiguous(
          result,
          inScope,
          inScope.length,
          confidence,
          `${show(key)} leads to ${inScope.length} personas`,
        );
      }
    } else {
      const persons = await this.repo.personsOfPersonas(reach.map((p) => p.id));
      const personIds = [...new Set(persons.map((p) => p.personId))];
      if (personIds.length > 1) {
        return ambiguous(
          result,
          reach,
          personIds.length,
          confidence,
          `${show(key)} leads to ${personIds.length} persons`,
        );
      }
      const person = persons[0];
      if (!person) {
        suppressions.push({
          code: 'NO_CONTACT',
          message: 'the personas found are not grouped into a person yet',
        });
        return result;
      }
      result.person = { id: person.personId };
      const grouping = [
        ...person.sharedIdentifiers.map(
          (s) => `${s.a} and ${s.b} share ${s.type} ${s.value} (within its limit)`,
        ),
        ...person.assertions.map((s) => `${s.a} and ${s.b} asserted one person: "${s.evidence}"`),
      ];
      explanation.push({
        rule: 'scope.person',
        detail: `person ${person.personId} groups ${person.members.length} persona(s)${grouping.length ? `: ${grouping.join('; ')}` : ''}`,
      });
      if (person.members.length > 1) confidence *= groupingConfidence;
      inScope = this.allowedByContext(person.members, useCase, explanation);
      if (inScope.length === 0) {
        suppressions.push({
          code: 'EXCLUDED_CONTEXT',
          message: `no persona of the person has a context allowed for ${useCase.name}`,
        });
        return result;
      }
    }

    result.personas = inScope;
    result.confidence = confidence;
    const anchorFirst = inScope.some((p) => reach.some((r) => r.id === p.id)) ? [anchor.anchor] : [];
    // load, not loadMany: a failed batch must fail the resolution (SERVICE_UNAVAILABLE), never read
    // as "no identifiers" or "no facts".
    const [held, facts] = await Promise.all([
      Promise.all(inScope.map((p) => this.loaders.identifiersOfPersona.load(p.id))),
      Promise.all(inScope.map((p) => this.loaders.factsOfPersona.load(p.id))),
    ]);
    const identifiers = [...anchorFirst, ...held.flat()];
    await this.chooseContact(result, useCase, channels, identifiers, inScope, heldBy(inScope, held));
    result.facts = chooseFacts(facts.flat());
    const missing = useCase.requiredFacts.filter((k) => !result.facts.some((f) => f.key === k));
    if (useCase.requiredFacts.length) {
      explanation.push({
        rule: 'facts.required',
        detail: missing.length ? `still missing: ${missing.join(', ')}` : 'every required fact is known',
      });
    }
    return result;
  }

  private allowedByContext(
    personas: PersonaModel[],
    useCase: UseCaseModel,
    explanation: ExplanationStepModel[],
  ) {
    return personas.filter((p) => {
      const allowed =
        (useCase.contexts === null || useCase.contexts.includes(p.context)) &&
        !useCase.excludeContexts.includes(p.context);
      if (!allowed) {
        explanation.push({
          rule: 'scope.context',
          detail: `${describe(p)} left out: context ${p.context} not allowed`,
        });
      }
      return allowed;
    });
  }

  /** The first identifier of the preferred types that is not shared, has consent, and is under the cap. */
  private async chooseContact(
    result: ResolutionModel,
    useCase: UseCaseModel,
    channels: Map<string, string | null>,
    identifiers: IdentifierModel[],
    consentGivers: PersonaModel[],
    holders: Map<string, Set<string>>,
  ): Promise<void> {
    const { explanation, suppressions } = result;
    if (useCase.contactTypes.length === 0) {
      explanation.push({ rule: 'contact.none', detail: 'the use case names no contact types' });
      return;
    }
    const unique = new Map(identifiers.map((i) => [identifierKey(i), i]));
    const ordered = useCase.contactTypes.flatMap((type) =>
      [...unique.values()].filter((i) => i.type === type),
    );
    const consentCache = new Map<string, Awaited<ReturnType<ResolutionRepository['consentsForPurpose']>>>();
    let refusedForConsent = false;
    let refusedShared = false;
    for (const candidate of ordered) {
      if (candidate.shared) {
        refusedShared = true;
        explanation.push({
          rule: 'contact.shared',
          detail: `${show(candidate)} skipped: shared by many personas`,
        });
        continue;
      }
      if (useCase.consentPurpose) {
        const channel = channels.get(candidate.type);
        if (!channel) {
          explanation.push({
            rule: 'contact.channel',
            detail: `${show(candidate)} skipped: its type reaches no channel`,
          });
          continue;
        }
        const cacheKey = channel;
        if (!consentCache.has(cacheKey)) {
          consentCache.set(
            cacheKey,
            await this.repo.consentsForPurpose(
              consentGivers.map((p) => p.id),
              useCase.consentPurpose,
              channel,
            ),
          );
        }
        // The latest consent that covers this contact point wins: one given for it, or one given for the
        // whole channel by a persona that holds it. Another persona's channel-wide consent never
        // covers it: a withdrawal in one account is not overridden by a grant in another.
        const ownedBy = holders.get(identifierKey(candidate)) ?? new Set<string>();
        const latest = consentCache
          .get(cacheKey)!
          .find((c) =>
            c.type === null
              ? ownedBy.has(c.personaId)
              : c.type === candidate.type && c.value === candidate.value,
          );
        if (!latest?.granted) {
          refusedForConsent = true;
          explanation.push({
            rule: 'contact.consent',
            detail: latest
              ? `${show(candidate)} skipped: "${useCase.consentPurpose}" on ${channel} withdrawn at ${latest.at}`
              : `${show(candidate)} skipped: no "${useCase.consentPurpose}" consent on ${channel}`,
          });
          continue;
        }
        explanation.push({
          rule: 'contact.consent',
          detail: `${show(candidate)}: "${useCase.consentPurpose}" on ${channel} granted at ${latest.at}`,
        });
      }
      if (useCase.pressureCap) {
        const { max, windowDays, purpose } = useCase.pressureCap;
        const sent = await this.repo.messagesSent(
          consentGivers.map((p) => p.id),
          result.anchor ? [result.anchor] : [],
          purpose,
          windowDays,
        );
        if (sent >= max) {
          suppressions.push({
            code: 'PRESSURE_CAP',
            message: `${sent} "${purpose}" message(s) in the last ${windowDays} day(s); the cap is ${max}`,
          });
          explanation.push({
            rule: 'contact.pressure',
            detail: `cap reached: ${sent} of ${max} in ${windowDays} day(s)`,
          });
          return;
        }
        explanation.push({
          rule: 'contact.pressure',
          detail: `${sent} of ${max} "${purpose}" message(s) in ${windowDays} day(s)`,
        });
      }
      result.contact = candidate;
      explanation.push({
        rule: 'contact.choice',
        detail: `${show(candidate)}: first allowed contact by preference ${useCase.contactTypes.join(' > ')}`,
      });
      return;
    }
    if (refusedForConsent) {
      suppressions.push({
        code: 'NO_CONSENT',
        message: `no contact point in scope has "${useCase.consentPurpose}" consent`,
      });
    } else if (refusedShared) {
      suppressions.push({
        code: 'SHARED_IDENTIFIER',
        message: 'the only contact points in scope are shared',
      });
    } else {
      suppressions.push({
        code: 'NO_CONTACT',
        message: `no ${useCase.contactTypes.join(' or ')} in scope`,
      });
    }
  }
}

const identifierKey = (i: IdentifierKey) => `${i.type}\u0000${i.value}`;

/** Which personas hold each identifier: `lists[n]` are the identifiers of `personas[n]`. */
function heldBy(personas: PersonaModel[], lists: IdentifierKey[][]): Map<string, Set<string>> {
  const holders = new Map<string, Set<string>>();
  personas.forEach((persona, n) => {
    for (const identifier of lists[n] ?? []) {
      const key = identifierKey(identifier);
      holders.set(key, (holders.get(key) ?? new Set()).add(persona.id));
    }
  });
  return holders;
}

/** Several personas or persons where the use case needs one: list them, pick none. */
function ambiguous(
  result: ResolutionModel,
  candidates: PersonaModel[],
  count: number,
  confidence: number,
  found: string,
): ResolutionModel {
  result.suppressions.push({ code: 'AMBIGUOUS', message: `${found} and ${result.useCase} needs one` });
  result.candidates = candidates;
  result.confidence = confidence / count;
  return result;
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
