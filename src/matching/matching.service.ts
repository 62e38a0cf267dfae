// Link suggestions a person reviews: the one matching model, suggestion passes (whole, or for some
// personas), the review queue and verdicts. A suggestion never groups anything; only a SAME verdict
// does, as an explicit assertion with the reviewer and reason as its evidence.
import { recordAudit } from '../access/audit.js';
import type { AppConfig } from '../config.js';
import { badUserInput, notFound } from '../errors.js';
import type { MatchingInput, SuggestLinksInput } from '../generated/graphql.js';
import type { Graph } from '../graph/run.js';
import type { RegroupingService } from '../identity/regrouping.service.js';
import { recordChanges } from '../outbox/outbox.js';
import { viewOf } from './matching.fellegi-sunter.js';
import type {
  MatchingDefinition,
  MatchingState,
  MatchingView,
  SuggestionModel,
  SuggestionRunModel,
  SuggestionStatus,
} from './matching.model.js';
import { MatchingRepository } from './matching.repository.js';
import { SuggestionPass } from './matching.run.js';

const namePattern = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;
const maxPage = 500;

export interface SuggestionPage {
  edges: { cursor: string; node: SuggestionModel }[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

const encodeCursor = (s: SuggestionModel) =>
  Buffer.from(JSON.stringify([s.probability, s.id])).toString('base64url');

function decodeCursor(cursor: string): { probability: number; id: string } {
  try {
    const [probability, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    if (typeof probability === 'number' && typeof id === 'string') return { probability, id };
  } catch {
    // reported below
  }
  throw badUserInput('after is not a cursor this query gave', { field: 'after' });
}

/** The model as given, checked: every problem is a BAD_USER_INPUT naming the field. */
export function validateMatching(input: MatchingInput): MatchingDefinition {
  if (input.fields.length === 0) throw badUserInput('Give at least one field', { field: 'fields' });
  const names = new Set<string>();
  const fields = input.fields.map((f) => {
    if (!namePattern.test(f.name))
      throw badUserInput(`Field name "${f.name}" is not a name`, { field: 'fields' });
    if (names.has(f.name)) throw badUserInput(`Field "${f.name}" is defined twice`, { field: 'fields' });
    names.add(f.name);
    const fact = f.fact?.trim() || null;
    const identifierType = f.identifierType?.trim() || null;
    if ((fact === null) === (identifierType === null)) {
      throw badUserInput(`Field "${f.name}": give exactly one of fact and identifierType`, {
        field: 'fields',
      });
    }
    return { name: f.name, fact, identifierType, comparator: f.comparator, crossWith: f.crossWith ?? null };
  });
  for (const field of fields.filter((f) => f.crossWith !== null)) {
    const other = fields.find((f) => f.name === field.crossWith);
    // Values compared across must be comparable, and an identifier shown where a fact was would escape masking.
    if (
      !other ||
      other === field ||
      other.comparator !== field.comparator ||
      (other.fact === null) !== (field.fact === null)
    ) {
      throw badUserInput(
        `Field "${field.name}": crossWith must name another field of the same comparator, facts with facts and identifiers with identifiers`,
        { field: 'fields' },
      );
    }
    // A swap is one event: declared on both fields it would be counted twice.
    if (other.crossWith === field.name && fields.indexOf(other) > fields.indexOf(field)) {
      throw badUserInput(`Fields "${field.name}" and "${other.name}": declare crossWith on one of them`, {
        field: 'fields',
      });
    }
  }
  if (input.blocking.length === 0)
    throw badUserInput('Give at least one blocking rule', { field: 'blocking' });
  for (const rule of input.blocking) {
    const unknown = rule.filter((name) => !names.has(name));
    if (rule.length === 0 || unknown.length > 0) {
      throw badUserInput(`Blocking rule [${rule.join(', ')}] must name defined fields`, {
        field: 'blocking',
      });
    }
  }
  const threshold = input.threshold ?? 0.9;
  if (!(threshold > 0 && threshold <= 1))
    throw badUserInput('threshold must be in (0, 1]', { field: 'threshold' });
  return { fields, blocking: input.blocking.map((rule) => [...new Set(rule)]), threshold };
}

/**
 * This process's passes, one after another: a pass marks STALE the OPEN suggestions of its scope that
 * it did not keep itself, so one running beside another (serve's incremental pass beside a whole one)
 * would close pairs the other had just kept. Other instances are not serialized with this one.
 */
let passes: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const run = passes.then(work, work);
  passes = run.catch(() => undefined);
  return run;
}

export class MatchingService {
  private readonly repo: MatchingRepository;

  constructor(
    private readonly graph: Graph,
    private readonly config: AppConfig,
    private readonly actor: string,
    private readonly regrouping: RegroupingService,
    repo?: MatchingRepository,
  ) {
    this.repo = repo ?? new MatchingRepository(graph);
  }

  model(): Promise<MatchingState | null> {
    return this.repo.model();
  }

  /** The model as the API shows it (Query.matching), with what training learned; null before defineMatching. */
  async matching(): Promise<MatchingView | null> {
    const state = await this.repo.model();
    return state ? viewOf(state) : null;
  }

  async defineMatching(input: MatchingInput): Promise<MatchingView> {
    const definition = validateMatching(input);
    await this.graph.writeTx('defineMatching', async (tx) => {
      await this.repo.define(tx, definition);
      await recordAudit(tx, 'defineMatching', this.actor, { definition });
    });
    // The old model's keys mean nothing to the new one.
    await this.repo.clearBlocks();
    return viewOf({ ...definition, trained: null });
  }

  /** A whole pass, or the candidate pairs of some personas; trains first when asked or never trained. */
  suggestLinks(
    input: SuggestLinksInput | null | undefined,
    report: (line: string) => void = () => {},
  ): Promise<SuggestionRunModel> {
    return oneAtATime(() => this.runPass(input, report));
  }

  private async runPass(
    input: SuggestLinksInput | null | undefined,
    report: (line: string) => void,
  ): Promise<SuggestionRunModel> {
    const startedAt = performance.now();
    const model = await this.repo.model();
    if (!model) throw badUserInput('Define the matching model first (defineMatching)');
    const pass = new SuggestionPass(this.graph, this.repo, { ...this.config.matching, report });
    const scope = input?.personas ? [...new Set(input.personas)] : null;
    const mustTrain = Boolean(input?.train) || model.trained === null;
    const outcome =
      scope === null || mustTrain
        ? await this.wholePass(pass, model, mustTrain, scope)
        : await this.partialPass(pass, model, model.trained!, scope);
    const seconds = (performance.now() - startedAt) / 1000;
    report(
      `suggest: ${outcome.candidates} candidate pair(s), ${outcome.suggested} new suggestion(s) in ${seconds.toFixed(1)} s`,
    );
    return { ...outcome, seconds };
  }

  /**
   * Serve's pass after ingest (src/matching/incremental-suggestions.ts): these personas against their
   * blocks, only once a trained model exists (never a whole pass, never training); null without one.
   * The model is read once, so a redefinition meanwhile cannot turn this into a whole pass.
   */
  suggestForChanged(personas: string[]): Promise<SuggestionRunModel | null> {
    return oneAtATime(() => this.passForChanged(personas));
  }

  /** The lease on scoring ingested personas (one serve instance scores them: see incremental-suggestions.ts). */
  scorerLease(owner: string, leaseMs: number) {
    return {
      acquire: () => this.repo.acquireScorer(owner, leaseMs),
      release: () => this.repo.releaseScorer(owner),
    };
  }

  private async passForChanged(personas: string[]): Promise<SuggestionRunModel | null> {
    const startedAt = performance.now();
    const model = await this.repo.model();
    if (!model?.trained || personas.length === 0) return null;
    // Cut blocks are not reported here: every ingest into one would repeat the line.
    const pass = new SuggestionPass(this.graph, this.repo, { ...this.config.matching, report: () => {} });
    const outcome = await this.partialPass(pass, model, model.trained, [...new Set(personas)]);
    return { ...outcome, seconds: (performance.now() - startedAt) / 1000 };
  }

  private async wholePass(
    pass: SuggestionPass,
    model: MatchingState,
    mustTrain: boolean,
    scope: string[] | null,
  ) {
    const startedAt = await this.repo.now();
    const personas = await pass.allPersonas(model);
    await this.repo.clearBlocks();
    await pass.storeBlocks(model, personas);
    let candidates = await pass.allCandidates(model);
    const trained = mustTrain ? await pass.train(model, personas, candidates) : model.trained!;
    if (scope !== null) {
      const wanted = new Set(scope);
      candidates = candidates.map((pairs) => pairs.filter(([a, b]) => wanted.has(a) || wanted.has(b)));
    }
    return pass.score(
      model,
      trained,
      new Map(personas.map((p) => [p.id, p])),
      candidates,
      scope === null ? { startedAt } : { personas: scope },
    );
  }

  private async partialPass(
    pass: SuggestionPass,
    model: MatchingState,
    trained: NonNullable<MatchingState['trained']>,
    scope: string[],
  ) {
    await pass.storeBlocks(model, await pass.personasByIds(model, scope));
    const candidates = await pass.candidatesOf(model, scope);
    const ids = [...new Set([...scope, ...candidates.flat(2)])];
    const personas = await pass.personasByIds(model, ids);
    return pass.score(model, trained, new Map(personas.map((p) => [p.id, p])), candidates, {
      personas: scope,
    });
  }

  async suggestions(args: {
    first?: number | null;
    after?: string | null;
    status?: SuggestionStatus | null;
    minProbability?: number | null;
  }): Promise<SuggestionPage> {
    const first = args.first ?? 50;
    if (first < 1 || first > maxPage) throw badUserInput(`first must be 1 to ${maxPage}`, { field: 'first' });
    const after = args.after ? decodeCursor(args.after) : null;
    const rows = await this.repo.page(args.status ?? 'OPEN', args.minProbability ?? 0, after, first + 1);
    const page = rows.slice(0, first);
    return {
      edges: page.map((node) => ({ cursor: encodeCursor(node), node })),
      pageInfo: {
        endCursor: page.length ? encodeCursor(page[page.length - 1]!) : null,
        hasNextPage: rows.length > first,
      },
    };
  }

  async suggestionsOfPersona(personaId: string, status: SuggestionStatus): Promise<SuggestionModel[]> {
    return (await this.repo.ofPersonas([personaId], status)).map((r) => r.suggestion);
  }

  /** A verdict: SAME asserts one person (STRONG, the review as its evidence) and regroups; DIFFERENT closes the pair. */
  async review(id: string, verdict: 'SAME' | 'DIFFERENT', reason: string): Promise<SuggestionModel> {
    const why = reason.trim();
    if (!why) throw badUserInput('reason is required: say why', { field: 'reason' });
    const [existing] = await this.repo.byIds([id]);
    if (!existing) throw notFound(`No suggestion with id ${id}`);
    if (existing.status !== 'OPEN') throw badUserInput(`Suggestion ${id} is ${existing.status}, not OPEN`);
    return this.graph.writeTx('reviewSuggestion', async (tx) => {
      const reviewed = await this.repo.review(tx, id, verdict, this.actor, why);
      if (!reviewed) throw badUserInput(`Suggestion ${id} is no longer OPEN`);
      const grouping =
        verdict === 'SAME'
          ? await this.regrouping.assertSamePerson(
              tx,
              reviewed.personaIds,
              `suggestion ${id} reviewed SAME by ${this.actor}: ${why}`,
              this.actor,
              { event: null, action: 'reviewSuggestion' },
            )
          : [];
      const personIds = [...new Set(grouping.flatMap((c) => c.personIds))];
      await recordChanges(tx, [
        ...grouping,
        {
          type: 'SUGGESTION_REVIEWED',
          personaIds: [...reviewed.personaIds],
          personIds,
          data: { suggestion: id, verdict, reason: why },
        },
      ]);
      await recordAudit(tx, 'reviewSuggestion', this.actor, { suggestion: id, verdict, reason: why });
      return reviewed;
    });
  }
}
