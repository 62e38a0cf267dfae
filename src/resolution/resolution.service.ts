// Resolution per use case: from one identifier to the personas and person in scope, the contact
// point the policy allows, the facts it may see, and an explanation of every step. It never picks
// silently: several personas or persons where one is needed is AMBIGUOUS, with the candidates.
// A resolution is one read (cypher/resolution/gather.cypher) and then pure rules
// (resolution.rules.ts); the use case and the identifier types come from the per-instance cache.
import type { DefinitionCache } from '../changes/definitions.cache.js';
import { badUserInput, notFound } from '../errors.js';
import type { UseCaseInput } from '../generated/graphql.js';
import type { Graph } from '../graph/run.js';
import type { IdentityService } from '../identity/identity.service.js';
import { identifierKey, type IdentifierKey, type IdentifierTypeModel } from '../identity/identity.model.js';
import type { ResolutionModel, UseCaseModel } from './resolution.model.js';
import { ResolutionRepository, type GatherParams, type GatherRow } from './resolution.repository.js';
import { applyPolicy, initialState, strengthsOf } from './resolution.rules.js';

/** The most identifiers one resolveMany takes: one read statement, so its size is bounded. */
export const maxResolveMany = 1000;

/** How far, for what and as of when the gather query looks, from the policy and the registry. */
export function gatherParams(
  useCase: UseCaseModel,
  registry: IdentifierTypeModel[],
  at: Date | null,
): GatherParams {
  return {
    now: (at ?? new Date()).toISOString(),
    historical: at !== null,
    // Past every type's limit an identifier is shared and identifies nobody: a supernode's holders are
    // counted, not all read.
    holderLimit: 1000,
    staleDays: Object.fromEntries(
      registry.flatMap((t) => (t.staleAfterDays === null ? [] : [[t.name, t.staleAfterDays]])),
    ),
    scope: useCase.scope,
    strengths: strengthsOf(useCase),
    maxHops: useCase.maxHops,
    contactTypes: useCase.contactTypes,
    consentPurpose: useCase.consentPurpose,
    pressurePurpose: useCase.pressureCap?.purpose ?? null,
    windowDays: useCase.pressureCap?.windowDays ?? 0,
    contexts: useCase.contexts,
    excludeContexts: useCase.excludeContexts,
  };
}

export class ResolutionService {
  private readonly repo: ResolutionRepository;

  constructor(
    graph: Graph,
    private readonly identity: IdentityService,
    private readonly definitions: DefinitionCache,
    private readonly actor: string,
  ) {
    this.repo = new ResolutionRepository(graph);
  }

  useCases() {
    return this.repo.useCases();
  }

  useCase(name: string): Promise<UseCaseModel | null> {
    return this.definitions.get('useCase', name, async () => {
      const [found] = await this.repo.useCasesByNames([name]);
      return found ?? null;
    });
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
    const defined = await this.repo.defineUseCase(
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
        contactEvery: input.contactEvery ?? false,
      },
      this.actor,
    );
    // This instance answers with the new policy at once; the others when their feed delivers the change.
    this.definitions.forget('useCase', name);
    return defined;
  }

  /** @param at answer as the graph stood then (an audit); null: now. */
  async resolve(
    input: { type: string; value: string },
    useCaseName: string,
    // The DateTime scalar hands resolvers a Date; other callers pass ISO text.
    at: string | Date | null = null,
  ): Promise<ResolutionModel> {
    const { useCase, registry, asOf } = await this.policy(useCaseName, at);
    const key = this.identity.tryNormalizeAmong(registry, input);
    const gathered = key ? await this.repo.gather(key, gatherParams(useCase, registry, asOf)) : null;
    return answer({ useCase, registry, asOf }, input, key, gathered);
  }

  /**
   * resolve for each identifier, in the order given, with one read for all of them (distinct anchors
   * gathered once). An identifier of a type nobody defined answers UNKNOWN_IDENTIFIER here rather than
   * failing the batch, as resolve fails for it.
   */
  async resolveMany(
    inputs: readonly { type: string; value: string }[],
    useCaseName: string,
    at: string | Date | null = null,
  ): Promise<ResolutionModel[]> {
    if (inputs.length < 1 || inputs.length > maxResolveMany) {
      throw badUserInput(
        `identifiers must hold 1 to ${maxResolveMany} identifiers (got ${inputs.length}); split a longer list`,
        { field: 'identifiers' },
      );
    }
    const policy = await this.policy(useCaseName, at);
    const known = new Set(policy.registry.map((t) => t.name));
    const keys = inputs.map((input) =>
      known.has(input.type) ? this.identity.tryNormalizeAmong(policy.registry, input) : null,
    );
    const gathered = await this.repo.gatherMany(
      keys.filter((k): k is IdentifierKey => k !== null),
      gatherParams(policy.useCase, policy.registry, policy.asOf),
    );
    return inputs.map((input, n) => {
      const key = keys[n] ?? null;
      return answer(policy, input, key, key ? (gathered.get(identifierKey(key)) ?? null) : null);
    });
  }

  /** The use case, the identifier types and the moment a resolution answers for. */
  private async policy(useCaseName: string, at: string | Date | null): Promise<Policy> {
    const asOf = at === null ? null : new Date(at);
    if (asOf && Number.isNaN(asOf.getTime())) throw badUserInput('at is not a date-time', { field: 'at' });
    const [useCase, registry] = await Promise.all([
      this.useCase(useCaseName),
      this.identity.identifierTypes(),
    ]);
    if (!useCase) throw notFound(`No use case named "${useCaseName}"; define it with defineUseCase`);
    return { useCase, registry, asOf };
  }
}

interface Policy {
  useCase: UseCaseModel;
  registry: IdentifierTypeModel[];
  asOf: Date | null;
}

/** The rules applied to what was gathered for one identifier (null: unusable or not in the graph). */
function answer(
  { useCase, registry, asOf }: Policy,
  input: { type: string; value: string },
  key: IdentifierKey | null,
  gathered: GatherRow | null,
): ResolutionModel {
  return applyPolicy(
    initialState({
      useCase,
      input,
      key,
      channels: new Map(registry.map((t) => [t.name, t.contactChannel])),
      maxPersonas: registry.find((t) => t.name === key?.type)?.maxPersonas ?? 1,
      staleDays: new Map(registry.map((t) => [t.name, t.staleAfterDays])),
      at: asOf?.toISOString() ?? null,
      gathered,
    }),
  );
}
