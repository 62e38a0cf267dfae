// The Fellegi–Sunter model, pure: u per level from random pairs, m per level by expectation
// maximisation over the blocked candidate pairs with u fixed (as Splink does), the prior from the
// same EM, term frequencies of common values, and the score of a pair with every comparison's weight.
import { compareField, normalizeValue } from './matching.comparators.js';
import {
  levelsOfField,
  type FieldComparisonModel,
  type FieldParameters,
  type MatchingDefinition,
  type MatchingState,
  type MatchingView,
  type PersonaValues,
  type ScoredPair,
  type TrainedParameters,
} from './matching.model.js';

/** A pair's level per field (index into the field's levels; the last is null). */
export type Vector = number[];

/** A value held by fewer personas than this keeps the field's u_exact: below it a frequency is noise. */
export const minFrequentCount = 10;
/** At most this many common values per field keep their own frequency. */
const maxFrequentValues = 500;
const emIterations = 50;
const emTolerance = 1e-6;

/** A small seeded generator (mulberry32): the same graph samples the same pairs. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Field `f` of a pair compared, across with the field it crosses with if it names one. */
function compareOf(definition: MatchingDefinition, f: number, a: PersonaValues, b: PersonaValues) {
  const field = definition.fields[f]!;
  const other = field.crossWith ? definition.fields.findIndex((x) => x.name === field.crossWith) : -1;
  const crossed = other < 0 ? undefined : { left: a.values[other]!, right: b.values[other]! };
  return compareField(field.comparator, a.values[f]!, b.values[f]!, crossed);
}

export function vectorOf(definition: MatchingDefinition, a: PersonaValues, b: PersonaValues): Vector {
  return definition.fields.map((_, f) => compareOf(definition, f, a, b).level);
}

const nonNullLevels = (definition: MatchingDefinition, field: number) =>
  levelsOfField(definition.fields[field]!).length - 1;

/**
 * u per field and level: the share of each level among random pairs of personas (every pair when
 * there are no more than `samplePairs`), smoothed by one so no level is impossible.
 */
export function estimateU(
  definition: MatchingDefinition,
  personas: PersonaValues[],
  samplePairs: number,
  random: () => number,
): number[][] {
  const counts = definition.fields.map((_, f) => new Array<number>(nonNullLevels(definition, f)).fill(0));
  const count = (i: number, j: number) =>
    vectorOf(definition, personas[i]!, personas[j]!).forEach((level, f) => {
      if (level < counts[f]!.length) counts[f]![level]!++;
    });
  const n = personas.length;
  if ((n * (n - 1)) / 2 <= samplePairs) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) count(i, j);
  } else {
    for (let s = 0; s < samplePairs; s++) {
      const i = Math.floor(random() * n);
      const j = (i + 1 + Math.floor(random() * (n - 1))) % n;
      count(i, j);
    }
  }
  return counts.map((levels) => {
    const total = levels.reduce((x, y) => x + y, 0);
    return levels.map((c) => (c + 1) / (total + levels.length));
  });
}

/** Vectors with how often each occurs: EM works on the distinct patterns, not on every pair. */
export function patternsOf(vectors: Vector[]): { vector: Vector; count: number }[] {
  const byKey = new Map<string, { vector: Vector; count: number }>();
  for (const vector of vectors) {
    const key = vector.join(',');
    const known = byKey.get(key);
    if (known) known.count++;
    else byKey.set(key, { vector, count: 1 });
  }
  return [...byKey.values()];
}

const initialM = (levels: number) =>
  Array.from({ length: levels }, (_, n) => (n === 0 ? 0.9 : 0.1 / Math.max(1, levels - 1)));

/** The log2 odds a pattern adds over the fields counted (null levels add nothing). */
function patternWeight(vector: Vector, m: number[][], u: number[][], counted: boolean[]): number {
  let weight = 0;
  vector.forEach((level, f) => {
    if (counted[f] && level < u[f]!.length) weight += Math.log2(m[f]![level]! / u[f]![level]!);
  });
  return weight;
}

const posterior = (lambda: number, weight: number) =>
  1 / (1 + 2 ** -(Math.log2(lambda / (1 - lambda)) + weight));

/**
 * EM over candidate pairs with u fixed: the posterior of each pattern being a match, then m per level
 * of the `estimated` fields and the share of matches among the pairs (lambda), until they settle.
 * A field the pairs were blocked on agrees by construction, so the caller leaves it out.
 */
export function expectationMaximisation(
  patterns: { vector: Vector; count: number }[],
  u: number[][],
  estimated: boolean[],
  start: number[][] = u.map((levels) => initialM(levels.length)),
): { m: number[][]; lambda: number } {
  let m = start.map((levels) => [...levels]);
  let lambda = 0.3;
  const total = patterns.reduce((sum, p) => sum + p.count, 0);
  for (let iteration = 0; iteration < emIterations && total > 0; iteration++) {
    const sums = u.map((levels) => new Array<number>(levels.length).fill(0));
    let matches = 0;
    for (const { vector, count } of patterns) {
      const p = posterior(lambda, patternWeight(vector, m, u, estimated)) * count;
      matches += p;
      vector.forEach((level, f) => {
        if (level < sums[f]!.length) sums[f]![level]! += p;
      });
    }
    const next = m.map((levels, f) => {
      if (!estimated[f]) return levels;
      const sum = sums[f]!.reduce((x, y) => x + y, 0);
      return sums[f]!.map((s) => (s + 0.01) / (sum + 0.01 * levels.length));
    });
    const change = Math.max(...next.flatMap((levels, f) => levels.map((x, l) => Math.abs(x - m[f]![l]!))));
    m = next;
    lambda = Math.min(1 - 1e-9, Math.max(1e-9, matches / total));
    if (change < emTolerance) break;
  }
  return { m, lambda };
}

/**
 * m per field: one EM session per blocking rule over that rule's candidate pairs, estimating the
 * fields the rule does not block on, averaged over the sessions that estimated each field. A field in
 * every rule is estimated over all candidate pairs together (it agrees there more than in truth).
 */
export function estimateM(
  definition: MatchingDefinition,
  vectorsByRule: Vector[][],
  u: number[][],
): number[][] {
  const names = definition.fields.map((f) => f.name);
  const found = u.map(() => [] as number[][]);
  definition.blocking.forEach((rule, r) => {
    const estimated = names.map((name) => !rule.includes(name));
    if (!estimated.some(Boolean) || vectorsByRule[r]!.length === 0) return;
    const { m } = expectationMaximisation(patternsOf(vectorsByRule[r]!), u, estimated);
    m.forEach((levels, f) => estimated[f] && found[f]!.push(levels));
  });
  const missing = found.map((sessions) => sessions.length === 0);
  const all = vectorsByRule.flat();
  const fallback =
    missing.some(Boolean) && all.length > 0
      ? expectationMaximisation(patternsOf(all), u, missing).m
      : u.map((levels) => initialM(levels.length));
  return found.map((sessions, f) =>
    sessions.length === 0
      ? fallback[f]!
      : sessions[0]!.map((_, l) => sessions.reduce((sum, s) => sum + s[l]!, 0) / sessions.length),
  );
}

/**
 * The prior: the share of matches among all pairs of personas. EM (m and u fixed) gives the share of
 * matches among the candidate pairs; times their number, the expected matches, over all pairs.
 */
export function estimatePrior(candidates: Vector[], m: number[][], u: number[][], personas: number): number {
  const allPairs = (personas * (personas - 1)) / 2;
  if (candidates.length === 0 || allPairs === 0) return 1e-9;
  const counted = u.map(() => true);
  const patterns = patternsOf(candidates);
  let lambda = 0.3;
  for (let iteration = 0; iteration < emIterations; iteration++) {
    let matches = 0;
    for (const { vector, count } of patterns)
      matches += posterior(lambda, patternWeight(vector, m, u, counted)) * count;
    const next = Math.min(1 - 1e-9, Math.max(1e-9, matches / candidates.length));
    if (Math.abs(next - lambda) < emTolerance) break;
    lambda = next;
  }
  return Math.min(0.5, Math.max(1e-12, (lambda * candidates.length) / allPairs));
}

/**
 * Term frequencies of each field's common values (held by at least `minFrequentCount` personas and
 * more often than a random pair agrees): only there does the adjustment change a weight much, and it
 * lowers it, so a frequent surname no longer counts as much as a rare one.
 */
export function frequenciesOf(
  definition: MatchingDefinition,
  personas: PersonaValues[],
  u: number[][],
): Record<string, number>[] {
  return definition.fields.map((_, f) => {
    const counts = new Map<string, number>();
    for (const persona of personas) {
      for (const value of new Set(persona.values[f]!.map(normalizeValue))) {
        counts.set(value, (counts.get(value) ?? 0) + 1);
      }
    }
    const frequent = [...counts]
      .map(([value, count]) => ({ value, count, frequency: count / personas.length }))
      .filter((v) => v.count >= minFrequentCount && v.frequency > u[f]![0]!)
      .sort((x, y) => y.count - x.count || (x.value < y.value ? -1 : 1))
      .slice(0, maxFrequentValues);
    return Object.fromEntries(frequent.map((v) => [v.value, v.frequency]));
  });
}

/** Everything training learns, from the personas and the candidate pairs of each blocking rule. */
export function train(
  definition: MatchingDefinition,
  personas: PersonaValues[],
  candidatesByRule: [number, number][][],
  options: { samplePairs: number; seed: number; now: string },
): TrainedParameters {
  const u = estimateU(definition, personas, options.samplePairs, seededRandom(options.seed));
  const vectorsByRule = candidatesByRule.map((pairs) =>
    pairs.map(([i, j]) => vectorOf(definition, personas[i]!, personas[j]!)),
  );
  const m = estimateM(definition, vectorsByRule, u);
  const union = new Map<string, Vector>();
  candidatesByRule.forEach((pairs, r) =>
    pairs.forEach(([i, j], n) => union.set(i < j ? `${i},${j}` : `${j},${i}`, vectorsByRule[r]![n]!)),
  );
  const prior = estimatePrior([...union.values()], m, u, personas.length);
  const frequencies = frequenciesOf(definition, personas, u);
  const fields: FieldParameters[] = m.map((levels, f) => ({
    m: levels,
    u: u[f]!,
    frequencies: frequencies[f]!,
  }));
  return { trainedAt: options.now, prior, fields };
}

/**
 * A level's weight: log2(m/u); 0 for null. Term frequencies: an exact agreement on a common value takes
 * the value's frequency for u; a near agreement (close, crossed) on one takes u scaled by how much more
 * common than average the value is (the more frequent of the two), since a typo of a common name is
 * as likely to be met by chance as the name is: otherwise `close` would outweigh `exact` for it.
 */
function levelWeight(
  parameters: FieldParameters,
  label: string,
  level: number,
  left: string | null,
  right: string | null,
): number {
  if (level >= parameters.u.length) return 0;
  const [m, u] = [parameters.m[level]!, parameters.u[level]!];
  const frequencyOf = (value: string | null) =>
    value === null ? undefined : parameters.frequencies[normalizeValue(value)];
  if (level === 0) return Math.log2(m / (frequencyOf(left) ?? u));
  if (label === 'close' || label === 'crossed') {
    const frequency = Math.max(frequencyOf(left) ?? 0, frequencyOf(right) ?? 0);
    if (frequency > parameters.u[0]!) return Math.log2(m / ((u * frequency) / parameters.u[0]!));
  }
  return Math.log2(m / u);
}

export const priorWeight = (prior: number) => Math.log2(prior / (1 - prior));

/** A pair scored: every field compared, its weight, the match weight and probability. */
export function scorePair(
  definition: MatchingDefinition,
  trained: TrainedParameters,
  a: PersonaValues,
  b: PersonaValues,
): ScoredPair {
  const comparisons: FieldComparisonModel[] = definition.fields.map((field, f) => {
    const outcome = compareOf(definition, f, a, b);
    const level = levelsOfField(field)[outcome.level]!;
    return {
      field: field.name,
      identifierType: field.identifierType,
      left: outcome.left,
      right: outcome.right,
      level,
      weight: levelWeight(trained.fields[f]!, level, outcome.level, outcome.left, outcome.right),
    };
  });
  const matchWeight = comparisons.reduce((sum, c) => sum + c.weight, priorWeight(trained.prior));
  return { a: a.id, b: b.id, matchWeight, probability: 1 / (1 + 2 ** -matchWeight), comparisons };
}

/** The model as the API shows it: each level with m, u and its weight once trained. */
export function viewOf(state: MatchingState): MatchingView {
  return {
    fields: state.fields.map((field, f) => ({
      ...field,
      crossWith: field.crossWith ?? null,
      levels: levelsOfField(field).map((label, l) => {
        const parameters = state.trained?.fields[f];
        if (!parameters) return { label, m: null, u: null, weight: null };
        if (l >= parameters.u.length) return { label, m: null, u: null, weight: 0 };
        const [m, u] = [parameters.m[l]!, parameters.u[l]!];
        return { label, m, u, weight: Math.log2(m / u) };
      }),
    })),
    blocking: state.blocking,
    threshold: state.threshold,
    trainedAt: state.trained?.trainedAt ?? null,
    priorMatchProbability: state.trained?.prior ?? null,
  };
}
