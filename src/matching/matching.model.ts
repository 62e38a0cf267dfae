// The matching model and its suggestions as the service and resolvers see them (docs/suggestions.md).

export type ComparatorName = 'EXACT' | 'JARO_WINKLER' | 'LEVENSHTEIN' | 'DATE';

/** Each comparator's levels, most similar first; `null` (a value missing on either side) is always last. */
export const levelsOf: Record<ComparatorName, readonly string[]> = {
  EXACT: ['exact', 'else', 'null'],
  JARO_WINKLER: ['exact', 'close', 'further', 'else', 'null'],
  LEVENSHTEIN: ['exact', 'close', 'further', 'else', 'null'],
  DATE: ['exact', 'close', 'further', 'else', 'null'],
};

export interface MatchFieldDefinition {
  name: string;
  fact: string | null;
  identifierType: string | null;
  comparator: ComparatorName;
  /**
   * Another field whose values a record may hold in this one's place (given name and surname
   * swapped): this field then has the level `crossed` (the other field keeps its own levels: a swap is
   * counted once), and a blocking rule naming both fields keys their two values unordered. Absent in
   * models defined before it existed.
   */
  crossWith?: string | null;
}

/**
 * A field's levels: its comparator's, with `crossed` after the levels that count as agreement (exact,
 * and close where there is one) when the field crosses with another.
 */
export function levelsOfField(
  field: Pick<MatchFieldDefinition, 'comparator' | 'crossWith'>,
): readonly string[] {
  const levels = levelsOf[field.comparator];
  if (!field.crossWith) return levels;
  const at = levels.indexOf('close') + 1 || 1;
  return [...levels.slice(0, at), 'crossed', ...levels.slice(at)];
}

/** What defineMatching stores: the fields, the blocking rules (field names), the threshold. */
export interface MatchingDefinition {
  fields: MatchFieldDefinition[];
  blocking: string[][];
  threshold: number;
}

/** What training learned about one field: m and u per level (the null level's are unused). */
export interface FieldParameters {
  m: number[];
  u: number[];
  /**
   * Term frequencies of the field's common values (normalized value → share of personas holding it):
   * an exact agreement on one of them weighs log2(m_exact / frequency) instead of log2(m_exact / u_exact),
   * a close or crossed one log2(m / (u × frequency / u_exact)).
   */
  frequencies: Record<string, number>;
}

export interface TrainedParameters {
  trainedAt: string;
  prior: number;
  fields: FieldParameters[];
}

/** The stored model: its definition and, once trained, its parameters. */
export interface MatchingState extends MatchingDefinition {
  trained: TrainedParameters | null;
}

/** The model as the API shows it (type Matching). */
export interface MatchingView {
  fields: {
    name: string;
    fact: string | null;
    identifierType: string | null;
    comparator: ComparatorName;
    crossWith: string | null;
    levels: { label: string; m: number | null; u: number | null; weight: number | null }[];
  }[];
  blocking: string[][];
  threshold: number;
  trainedAt: string | null;
  priorMatchProbability: number | null;
}

/** A persona's values of every field, in the definition's field order (raw values as stored). */
export interface PersonaValues {
  id: string;
  personId: string | null;
  values: string[][];
}

/** One field of a pair compared: the values that reached the level, the level and its weight. */
export interface FieldComparisonModel {
  field: string;
  /** Set for identifier fields: their values are masked without the pii role. */
  identifierType: string | null;
  left: string | null;
  right: string | null;
  level: string;
  weight: number;
}

export type SuggestionStatus = 'OPEN' | 'SAME' | 'DIFFERENT' | 'STALE';

export interface SuggestionModel {
  id: string;
  personaIds: [string, string];
  probability: number;
  matchWeight: number;
  comparisons: FieldComparisonModel[];
  status: SuggestionStatus;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reason: string | null;
}

/** A scored pair, before it is stored. */
export interface ScoredPair {
  a: string;
  b: string;
  matchWeight: number;
  probability: number;
  comparisons: FieldComparisonModel[];
}

export interface SuggestionRunModel {
  candidates: number;
  suggested: number;
  seconds: number;
}
