// Pairwise precision, recall and F1 of a grouping against the truth, as record-linkage papers report
// them: every pair of records put in one group is a predicted match, every pair of one entity a true one.

export interface PairwiseScore {
  truePairs: number;
  predictedPairs: number;
  correctPairs: number;
  precision: number;
  recall: number;
  f1: number;
}

const pairs = (n: number) => (n * (n - 1)) / 2;

function countBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
const pairsIn = (counts: Map<string, number>) => [...counts.values()].reduce((s, n) => s + pairs(n), 0);

/**
 * `truth` maps every record to its entity, `groups` records to their group; a record without a group
 * is a group of its own. Counted from group sizes, never by listing pairs: a 100k-record run has
 * billions of pairs but only as many groups as records.
 */
export function pairwiseScore(truth: Map<string, string>, groups: Map<string, string>): PairwiseScore {
  const groupOf = (record: string) => groups.get(record) ?? `alone:${record}`;
  const records = [...truth.keys()];
  const truePairs = pairsIn(countBy(records, (r) => truth.get(r)!));
  const predictedPairs = pairsIn(countBy(records, groupOf));
  const correctPairs = pairsIn(countBy(records, (r) => `${groupOf(r)}\u0000${truth.get(r)!}`));
  const precision = predictedPairs === 0 ? 1 : correctPairs / predictedPairs;
  const recall = truePairs === 0 ? 1 : correctPairs / truePairs;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { truePairs, predictedPairs, correctPairs, precision, recall, f1 };
}

/** Groups joined by accepted pairs, transitively (union–find with path halving). */
export function closeOver(
  groups: Map<string, string>,
  accepted: Iterable<[string, string]>,
): Map<string, string> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let at = x;
    for (let up = parent.get(at); up !== undefined && up !== at; up = parent.get(at)) {
      const grand = parent.get(up) ?? up;
      parent.set(at, grand);
      at = grand;
    }
    return at;
  };
  const node = (record: string) => `g:${groups.get(record) ?? `alone:${record}`}`;
  for (const [a, b] of accepted) {
    const [ra, rb] = [find(node(a)), find(node(b))];
    if (ra !== rb) parent.set(ra, rb);
  }
  const closed = new Map<string, string>();
  for (const record of groups.keys()) closed.set(record, find(node(record)));
  for (const [a, b] of accepted) for (const r of [a, b]) if (!closed.has(r)) closed.set(r, find(node(r)));
  return closed;
}
