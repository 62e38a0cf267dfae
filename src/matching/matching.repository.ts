// The only code naming the matching statements (cypher/matching/); rows are checked as they come back.
import { z } from 'zod';
import { parseJsonText, readChecked, runChecked, writeChecked } from '../graph/rows.js';
import type { Graph, Tx } from '../graph/run.js';
import type {
  FieldComparisonModel,
  MatchingDefinition,
  MatchingState,
  SuggestionModel,
  TrainedParameters,
} from './matching.model.js';
import type { BlockingKey } from './matching.blocking.js';

const comparator = z.enum(['EXACT', 'JARO_WINKLER', 'LEVENSHTEIN', 'DATE']);
const definitionSchema = z.object({
  fields: z.array(
    z.object({
      name: z.string(),
      fact: z.string().nullable(),
      identifierType: z.string().nullable(),
      comparator,
      crossWith: z.string().nullish(),
    }),
  ),
  blocking: z.array(z.array(z.string())),
  threshold: z.number(),
});
const trainedSchema = z.object({
  trainedAt: z.string(),
  prior: z.number(),
  fields: z.array(
    z.object({
      m: z.array(z.number()),
      u: z.array(z.number()),
      frequencies: z.record(z.string(), z.number()),
    }),
  ),
});
const comparisonSchema = z.object({
  field: z.string(),
  identifierType: z.string().nullable(),
  left: z.string().nullable(),
  right: z.string().nullable(),
  level: z.string(),
  weight: z.number(),
});

const suggestionRow = z.object({
  id: z.string(),
  personaIds: z.tuple([z.string(), z.string()]),
  probability: z.number(),
  matchWeight: z.number(),
  comparisons: z.string(),
  status: z.enum(['OPEN', 'SAME', 'DIFFERENT', 'STALE']),
  reviewedBy: z.string().nullish(),
  reviewedAt: z.string().nullish(),
  reason: z.string().nullish(),
});

function toSuggestion(row: z.infer<typeof suggestionRow>): SuggestionModel {
  return {
    ...row,
    comparisons: z.array(comparisonSchema).parse(parseJsonText(row.comparisons)) as FieldComparisonModel[],
    reviewedBy: row.reviewedBy ?? null,
    reviewedAt: row.reviewedAt ?? null,
    reason: row.reason ?? null,
  };
}

const valuesRow = z.object({
  id: z.string(),
  personId: z.string().nullable(),
  facts: z.array(z.object({ key: z.string(), value: z.string().nullish() })),
  identifiers: z.array(z.object({ type: z.string(), value: z.string() })),
});
export type PersonaValuesRow = z.infer<typeof valuesRow>;

const blockRow = z.object({ rule: z.number().int(), size: z.number().int(), members: z.array(z.string()) });
export type BlockRow = z.infer<typeof blockRow>;

/** A scored pair to keep, as keep-suggestions takes it. */
export interface SuggestionWrite {
  id: string;
  pair: string;
  a: string;
  b: string;
  probability: number;
  matchWeight: number;
  comparisons: string;
}

const keptRow = z.object({
  id: z.string(),
  personaIds: z.array(z.string()),
  personIds: z.array(z.string()),
  probability: z.number(),
  isNew: z.boolean(),
});
export type KeptSuggestion = z.infer<typeof keptRow>;

/**
 * The definition as stored: a model read back carries `trained` too, and recordTraining finds the
 * model by this text, so both must write exactly the definition's fields.
 */
const definitionText = (d: MatchingDefinition) =>
  JSON.stringify({ fields: d.fields, blocking: d.blocking, threshold: d.threshold });

export class MatchingRepository {
  constructor(private readonly graph: Graph) {}

  async model(): Promise<MatchingState | null> {
    const [row] = await readChecked(
      this.graph,
      'matching/model',
      z.object({ definition: z.string(), trained: z.string().nullish() }),
    );
    if (!row) return null;
    const definition = definitionSchema.parse(JSON.parse(row.definition)) as MatchingDefinition;
    const trained = row.trained ? (trainedSchema.parse(JSON.parse(row.trained)) as TrainedParameters) : null;
    return { ...definition, trained };
  }

  async define(tx: Tx, definition: MatchingDefinition): Promise<void> {
    await runChecked(tx, 'matching/define', z.object({ definition: z.string() }), {
      definition: definitionText(definition),
    });
  }

  /** False when the model was redefined meanwhile: what was learned belongs to no model now. */
  async recordTraining(definition: MatchingDefinition, trained: TrainedParameters): Promise<boolean> {
    const [row] = await writeChecked(
      this.graph,
      'matching/record-training',
      z.object({ recorded: z.number() }),
      {
        definition: definitionText(definition),
        trained: JSON.stringify(trained),
      },
    );
    return (row?.recorded ?? 0) > 0;
  }

  /** True when this owner holds the scoring lease now (taken or renewed for `leaseMs`). */
  async acquireScorer(owner: string, leaseMs: number): Promise<boolean> {
    const rows = await writeChecked(this.graph, 'matching/scorer-acquire', z.object({ held: z.boolean() }), {
      owner,
      leaseMs,
    });
    return rows.length > 0;
  }

  async releaseScorer(owner: string): Promise<void> {
    await writeChecked(this.graph, 'matching/scorer-release', z.object({ released: z.number() }), { owner });
  }

  personaValuesPage(after: string, limit: number, factKeys: string[], types: string[]) {
    return readChecked(this.graph, 'matching/persona-values', valuesRow, { after, limit, factKeys, types });
  }

  personaValues(ids: string[], factKeys: string[], types: string[]) {
    return readChecked(this.graph, 'matching/persona-values-by-ids', valuesRow, { ids, factKeys, types });
  }

  async clearBlocks(): Promise<void> {
    await this.graph.batched('matching/clear-blocks');
  }

  async setBlocks(rows: { id: string; keys: BlockingKey[] }[]): Promise<void> {
    await writeChecked(this.graph, 'matching/set-blocks', z.object({ personas: z.number() }), { rows });
  }

  blocks(maxPairs: number): Promise<BlockRow[]> {
    return readChecked(this.graph, 'matching/blocks', blockRow, { maxPairs });
  }

  blocksOfPersonas(ids: string[], maxPairs: number): Promise<BlockRow[]> {
    return readChecked(this.graph, 'matching/blocks-of-personas', blockRow, { ids, maxPairs });
  }

  keepSuggestions(tx: Tx, run: string, rows: SuggestionWrite[]): Promise<KeptSuggestion[]> {
    return runChecked(tx, 'matching/keep-suggestions', keptRow, { run, rows });
  }

  /** The database's clock (it stamps scoredAt), as an ISO datetime. */
  async now(): Promise<string> {
    const [row] = await readChecked(this.graph, 'matching/now', z.object({ now: z.string() }));
    return row!.now;
  }

  /** After a whole pass started at `startedAt` (now()): every OPEN suggestion scored before it and not kept. */
  async staleSuggestions(run: string, startedAt: string): Promise<number> {
    const [row] = await writeChecked(
      this.graph,
      'matching/stale-suggestions',
      z.object({ stale: z.number() }),
      { run, startedAt },
    );
    return row?.stale ?? 0;
  }

  /** After a pass over some personas, in its last transaction: their OPEN suggestions it did not keep. */
  async staleSuggestionsOf(tx: Tx, run: string, personaIds: string[]): Promise<number> {
    const [row] = await runChecked(
      tx,
      'matching/stale-suggestions-of-personas',
      z.object({ stale: z.number() }),
      {
        run,
        personaIds,
      },
    );
    return row?.stale ?? 0;
  }

  async page(
    status: string,
    minProbability: number,
    after: { probability: number; id: string } | null,
    limit: number,
  ): Promise<SuggestionModel[]> {
    const rows = await readChecked(
      this.graph,
      'matching/suggestions-page',
      z.object({ suggestion: suggestionRow }),
      {
        status,
        minProbability,
        afterProbability: after?.probability ?? null,
        afterId: after?.id ?? '',
        limit,
      },
    );
    return rows.map((r) => toSuggestion(r.suggestion));
  }

  async byIds(ids: string[]): Promise<SuggestionModel[]> {
    const rows = await readChecked(
      this.graph,
      'matching/suggestions-by-ids',
      z.object({ suggestion: suggestionRow }),
      {
        ids,
      },
    );
    return rows.map((r) => toSuggestion(r.suggestion));
  }

  async ofPersonas(
    ids: string[],
    status: string,
  ): Promise<{ personaId: string; suggestion: SuggestionModel }[]> {
    const rows = await readChecked(
      this.graph,
      'matching/suggestions-of-personas',
      z.object({ personaId: z.string(), suggestion: suggestionRow }),
      { ids, status },
    );
    return rows.map((r) => ({ personaId: r.personaId, suggestion: toSuggestion(r.suggestion) }));
  }

  async review(
    tx: Tx,
    id: string,
    verdict: 'SAME' | 'DIFFERENT',
    reviewer: string,
    reason: string,
  ): Promise<SuggestionModel | null> {
    const [row] = await runChecked(tx, 'matching/review', z.object({ suggestion: suggestionRow }), {
      id,
      verdict,
      reviewer,
      reason,
    });
    return row ? toSuggestion(row.suggestion) : null;
  }
}
