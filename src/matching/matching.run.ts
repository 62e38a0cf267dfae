// One suggestion pass: blocking keys into the graph, candidate pairs out of it, training when asked,
// every candidate scored, and an OPEN suggestion kept for each pair at or above the threshold.
import { randomUUID } from 'node:crypto';
import { parseJsonText } from '../graph/rows.js';
import type { Graph } from '../graph/run.js';
import { recordChanges } from '../outbox/outbox.js';
import { blockingKeys, pairsOfBlock, pairsOfBlocks } from './matching.blocking.js';
import { scorePair, train } from './matching.fellegi-sunter.js';
import type {
  MatchingState,
  PersonaValues,
  ScoredPair,
  SuggestionRunModel,
  TrainedParameters,
} from './matching.model.js';
import type { BlockRow, MatchingRepository, PersonaValuesRow } from './matching.repository.js';

const pageSize = 5_000;
const blockWriteSize = 2_000;
const keepBatchSize = 500;

export interface RunSettings {
  maxBlockPairs: number;
  samplePairs: number;
  /** Progress lines and cut blocks. */
  report: (line: string) => void;
}

/** A persona's values per field, in the definition's order, from its facts and identifiers. */
export function valuesOf(model: MatchingState, row: PersonaValuesRow): PersonaValues {
  return {
    id: row.id,
    personId: row.personId,
    values: model.fields.map((field) =>
      field.fact !== null
        ? row.facts
            .filter((f) => f.key === field.fact && f.value !== null && f.value !== undefined)
            .map((f) => {
              const value = parseJsonText(f.value!);
              return typeof value === 'string' ? value : JSON.stringify(value);
            })
        : row.identifiers.filter((i) => i.type === field.identifierType).map((i) => i.value),
    ),
  };
}

const factKeysOf = (model: MatchingState) => model.fields.flatMap((f) => (f.fact !== null ? [f.fact] : []));
const typesOf = (model: MatchingState) =>
  model.fields.flatMap((f) => (f.identifierType !== null ? [f.identifierType] : []));

export class SuggestionPass {
  constructor(
    private readonly graph: Graph,
    private readonly repo: MatchingRepository,
    private readonly settings: RunSettings,
  ) {}

  /** Every persona with its values, page by page. */
  async allPersonas(model: MatchingState): Promise<PersonaValues[]> {
    const personas: PersonaValues[] = [];
    for (let after = ''; ;) {
      const rows = await this.repo.personaValuesPage(after, pageSize, factKeysOf(model), typesOf(model));
      personas.push(...rows.map((row) => valuesOf(model, row)));
      if (rows.length < pageSize) return personas;
      after = rows[rows.length - 1]!.id;
      this.settings.report(`suggest: read ${personas.length} persona(s)`);
    }
  }

  async personasByIds(model: MatchingState, ids: string[]): Promise<PersonaValues[]> {
    const rows = await this.repo.personaValues(ids, factKeysOf(model), typesOf(model));
    return rows.map((row) => valuesOf(model, row));
  }

  /** Stores the blocking keys of these personas (replacing theirs). */
  async storeBlocks(model: MatchingState, personas: PersonaValues[]): Promise<void> {
    for (let n = 0; n < personas.length; n += blockWriteSize) {
      const rows = personas
        .slice(n, n + blockWriteSize)
        .map((p) => ({ id: p.id, keys: blockingKeys(model, p) }));
      await this.repo.setBlocks(rows);
    }
  }

  /** Blocks over the limit are cut: reported, and none of their pairs compared. */
  private reportCut(model: MatchingState, blocks: BlockRow[]): void {
    for (const block of blocks.filter((b) => b.members.length === 0)) {
      this.settings.report(
        `suggest: a key of blocking rule [${model.blocking[block.rule]?.join(', ')}] holds ${block.size} personas ` +
          `(${pairsOfBlock(block.size)} pairs, over MATCHING_MAX_BLOCK_PAIRS=${this.settings.maxBlockPairs}): cut`,
      );
    }
  }

  /** Each rule's candidate pairs of every persona, from the stored blocks. */
  async allCandidates(model: MatchingState): Promise<[string, string][][]> {
    const blocks = await this.repo.blocks(this.settings.maxBlockPairs);
    this.reportCut(model, blocks);
    return pairsOfBlocks(model.blocking.length, blocks);
  }

  /** Each rule's candidate pairs that involve one of these personas. */
  async candidatesOf(model: MatchingState, ids: string[]): Promise<[string, string][][]> {
    const blocks = await this.repo.blocksOfPersonas(ids, this.settings.maxBlockPairs);
    this.reportCut(model, blocks);
    const wanted = new Set(ids);
    return pairsOfBlocks(model.blocking.length, blocks).map((pairs) =>
      pairs.filter(([a, b]) => wanted.has(a) || wanted.has(b)),
    );
  }

  /** Trains on every persona and the candidate pairs of each rule; stores what it learned. */
  async train(
    model: MatchingState,
    personas: PersonaValues[],
    candidates: [string, string][][],
  ): Promise<TrainedParameters> {
    const index = new Map(personas.map((p, n) => [p.id, n]));
    const byIndex = candidates.map((pairs) =>
      pairs.flatMap(([a, b]) => {
        const [i, j] = [index.get(a), index.get(b)];
        return i === undefined || j === undefined ? [] : [[i, j] as [number, number]];
      }),
    );
    const trained = train(model, personas, byIndex, {
      samplePairs: this.settings.samplePairs,
      seed: 1,
      now: new Date().toISOString(),
    });
    await this.repo.recordTraining(model, trained);
    this.settings.report(
      `suggest: trained on ${personas.length} persona(s) and ${byIndex.flat().length} candidate pair(s); ` +
        `prior match probability ${trained.prior.toPrecision(3)}`,
    );
    return trained;
  }

  /**
   * Scores the candidates, keeps those at or above the threshold, marks the rest of the run STALE: of
   * the personas in `scope`, or, for a whole pass (scope null), every OPEN one scored before `startedAt`.
   */
  async score(
    model: MatchingState,
    trained: TrainedParameters,
    personas: Map<string, PersonaValues>,
    candidates: [string, string][][],
    scope: { personas: string[] } | { startedAt: string },
  ): Promise<Omit<SuggestionRunModel, 'seconds'>> {
    const unique = new Map<string, [string, string]>();
    for (const [a, b] of candidates.flat()) unique.set(`${a}|${b}`, [a, b]);
    const kept: ScoredPair[] = [];
    for (const [a, b] of unique.values()) {
      const [x, y] = [personas.get(a), personas.get(b)];
      if (!x || !y || (x.personId !== null && x.personId === y.personId)) continue;
      const scored = scorePair(model, trained, x, y);
      if (scored.probability >= model.threshold) kept.push(scored);
    }
    const run = randomUUID();
    const some = 'personas' in scope ? scope.personas : null;
    const suggested = await this.keep(run, kept, some);
    if ('startedAt' in scope) await this.repo.staleSuggestions(run, scope.startedAt);
    return { candidates: unique.size, suggested };
  }

  /**
   * Stores kept pairs in batches, each with its LINK_SUGGESTED changes; returns how many are new. A
   * pass over some personas marks their pairs it did not keep STALE in its last batch's transaction
   * (one commit for an ingest's pass; the last batch runs even with nothing kept).
   */
  private async keep(run: string, kept: ScoredPair[], scope: string[] | null): Promise<number> {
    let suggested = 0;
    for (let n = 0; n < kept.length || (n === 0 && scope !== null); n += keepBatchSize) {
      const isLast = n + keepBatchSize >= kept.length;
      const rows = kept.slice(n, n + keepBatchSize).map((pair) => ({
        id: randomUUID(),
        pair: `${pair.a}|${pair.b}`,
        a: pair.a,
        b: pair.b,
        probability: pair.probability,
        matchWeight: pair.matchWeight,
        comparisons: JSON.stringify(pair.comparisons),
      }));
      suggested += await this.graph.writeTx('suggestLinks', async (tx) => {
        const stored = await this.repo.keepSuggestions(tx, run, rows);
        const fresh = stored.filter((s) => s.isNew);
        await recordChanges(
          tx,
          fresh.map((s) => ({
            type: 'LINK_SUGGESTED' as const,
            personaIds: s.personaIds,
            personIds: [...new Set(s.personIds)],
            data: { suggestion: s.id, personas: s.personaIds, probability: s.probability },
          })),
        );
        if (isLast && scope !== null) await this.repo.staleSuggestionsOf(tx, run, scope);
        return fresh.length;
      });
      if (kept.length > 0)
        this.settings.report(
          `suggest: kept ${Math.min(n + keepBatchSize, kept.length)} of ${kept.length} pair(s)`,
        );
    }
    return suggested;
  }
}
