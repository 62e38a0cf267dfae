// How two values of a field compare: each comparator's level for a pair of values, and the best
// level over every pair of a field's values (a persona may hold several identifiers of a type).
import { type ComparatorName, levelsOf, levelsOfField } from './matching.model.js';

/** Values compare and block case- and spacing-insensitively. */
export const normalizeValue = (value: string) => value.trim().toLowerCase().replace(/\s+/g, ' ');

/** Jaro-Winkler similarity in [0, 1] (prefix scale 0.1, at most 4 characters of common prefix). */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched = new Array<boolean>(a.length).fill(false);
  const bMatched = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const from = Math.max(0, i - window);
    const to = Math.min(b.length - 1, i + window);
    for (let j = from; j <= to; j++) {
      if (bMatched[j] || a[i] !== b[j]) continue;
      aMatched[i] = bMatched[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  for (let i = 0, j = 0; i < a.length; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[j]) j++;
    if (a[i] !== b[j]) transpositions++;
    j++;
  }
  const jaro = (matches / a.length + matches / b.length + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** Levenshtein distance, or `limit + 1` as soon as it is known to exceed `limit`. */
export function levenshtein(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      rowMin = Math.min(rowMin, current[j]!);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}

const datePattern = /^(\d{4})-(\d{2})-(\d{2})/;

/** Year, month and day of a YYYY-MM-DD date (a time after it ignored), or null. */
function dateParts(value: string): [number, number, number] | null {
  const match = datePattern.exec(value);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : null;
}

/**
 * DATE levels: close when exactly one of year, month and day differs (a typo in one part) or day and
 * month are swapped (03/04 read as 04/03); further when within a year of each other; otherwise else.
 * Values that are not dates compare as text (exact or else).
 */
function dateLevel(a: string, b: string): string {
  const x = dateParts(a);
  const y = dateParts(b);
  if (!x || !y) return 'else';
  const differing = x.filter((part, n) => part !== y[n]).length;
  if (differing === 0) return 'exact';
  if (differing === 1 || (x[0] === y[0] && x[1] === y[2] && x[2] === y[1])) return 'close';
  const days = Math.abs(Date.UTC(x[0], x[1] - 1, x[2]) - Date.UTC(y[0], y[1] - 1, y[2])) / 86_400_000;
  return days <= 366 ? 'further' : 'else';
}

/** The level two normalized, non-empty values reach under a comparator. */
export function levelOfValues(comparator: ComparatorName, a: string, b: string): string {
  if (a === b) return 'exact';
  switch (comparator) {
    case 'EXACT':
      return 'else';
    case 'JARO_WINKLER': {
      const similarity = jaroWinkler(a, b);
      return similarity >= 0.92 ? 'close' : similarity >= 0.8 ? 'further' : 'else';
    }
    case 'LEVENSHTEIN': {
      const distance = levenshtein(a, b, 2);
      return distance <= 1 ? 'close' : distance <= 2 ? 'further' : 'else';
    }
    case 'DATE':
      return dateLevel(a, b);
  }
}

/** A field of a pair compared: the best level over every pair of values, and the values that reached it. */
export interface FieldOutcome {
  /** Index into the field's levels (levelsOfField). */
  level: number;
  left: string | null;
  right: string | null;
}

/** The best of the comparator's levels over every pair of values (both sides non-empty). */
function bestOf(comparator: ComparatorName, left: string[], right: string[]) {
  const levels = levelsOf[comparator];
  let best = { rank: levels.length, label: 'else', left: left[0]!, right: right[0]! };
  for (const a of left) {
    for (const b of right) {
      const label = levelOfValues(comparator, normalizeValue(a), normalizeValue(b));
      const rank = levels.indexOf(label);
      if (rank < best.rank) best = { rank, label, left: a, right: b };
      if (rank === 0) return best;
    }
  }
  return best;
}

/** The levels that count as agreement, where a crossed comparison must reach one. */
const agrees = (label: string) => label === 'exact' || label === 'close';

/**
 * A field of a pair compared. With `crossed` (the values of the field this one crosses with, on each
 * side), a pair whose own values do not agree but whose values agree across the two fields both ways
 * (one side's given name is the other's surname, and its surname the other's given name: swapped)
 * reaches the level `crossed`, with this field's value on the left and the other field's on the right.
 * One way alone is no swap: a given name that is another's surname (William, Williams) is common.
 */
export function compareField(
  comparator: ComparatorName,
  left: string[],
  right: string[],
  crossed?: { left: string[]; right: string[] },
): FieldOutcome {
  const levels = levelsOfField({ comparator, crossWith: crossed ? 'crossed' : null });
  if (left.length === 0 || right.length === 0) {
    return { level: levels.length - 1, left: left[0] ?? null, right: right[0] ?? null };
  }
  const direct = bestOf(comparator, left, right);
  if (crossed && !agrees(direct.label) && crossed.left.length > 0 && crossed.right.length > 0) {
    const across = bestOf(comparator, left, crossed.right);
    if (agrees(across.label) && agrees(bestOf(comparator, crossed.left, right).label)) {
      return { level: levels.indexOf('crossed'), left: across.left, right: across.right };
    }
  }
  return { level: levels.indexOf(direct.label), left: direct.left, right: direct.right };
}
