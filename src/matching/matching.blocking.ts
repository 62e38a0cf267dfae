// Blocking keys: a pair is compared only when, for some rule, all the rule's fields agree exactly
// (normalized). Each persona's keys are stored in the graph as (:MatchBlock) nodes, so candidate pairs
// come from an index, never from an all-pairs scan. A key is a hash: the graph holds no copy of a value.
import { createHash } from 'node:crypto';
import { normalizeValue } from './matching.comparators.js';
import type { MatchingDefinition, PersonaValues } from './matching.model.js';

/** A persona with many values per field would otherwise give a product of them: keep so many per rule. */
const maxKeysPerRule = 16;

export interface BlockingKey {
  key: string;
  rule: number;
}

/** Positions in a rule of two fields that cross with each other: their values key unordered. */
function crossedPositions(definition: MatchingDefinition, rule: string[]): [number, number][] {
  const crossesWith = (x: string, y: string) =>
    definition.fields.some((f) => f.name === x && f.crossWith === y);
  const positions: [number, number][] = [];
  rule.forEach((x, i) =>
    rule.forEach((y, j) => {
      if (i < j && (crossesWith(x, y) || crossesWith(y, x))) positions.push([i, j]);
    }),
  );
  return positions;
}

/**
 * The blocking keys of one persona under every rule (none for a rule whose field it lacks). Where a
 * rule names two fields that cross, the key holds their two values in sorted order, so that a record
 * with given name and surname swapped meets the records it was copied from.
 */
export function blockingKeys(definition: MatchingDefinition, persona: PersonaValues): BlockingKey[] {
  const keys: BlockingKey[] = [];
  definition.blocking.forEach((rule, r) => {
    let combinations: string[][] = [[]];
    for (const name of rule) {
      const f = definition.fields.findIndex((field) => field.name === name);
      const values = [...new Set(persona.values[f]!.map(normalizeValue).filter((v) => v !== ''))].sort();
      combinations = combinations
        .flatMap((combination) => values.map((v) => [...combination, v]))
        .slice(0, maxKeysPerRule);
    }
    const crossed = crossedPositions(definition, rule);
    const hashes = new Set<string>();
    for (const combination of combinations) {
      if (combination.length === 0) continue;
      for (const [i, j] of crossed) {
        if (combination[i]! > combination[j]!)
          [combination[i], combination[j]] = [combination[j]!, combination[i]!];
      }
      hashes.add(createHash('sha256').update(JSON.stringify(combination)).digest('base64url'));
    }
    for (const hash of hashes) keys.push({ key: `${r}:${hash}`, rule: r });
  });
  return keys;
}

/** How many pairs a block of `size` personas gives. */
export const pairsOfBlock = (size: number) => (size * (size - 1)) / 2;

/** Each rule's candidate pairs (ids ordered, each pair once per rule) from its blocks' members. */
export function pairsOfBlocks(
  rules: number,
  blocks: { rule: number; members: string[] }[],
): [string, string][][] {
  const seen = Array.from({ length: rules }, () => new Set<string>());
  const pairs = Array.from({ length: rules }, () => [] as [string, string][]);
  for (const { rule, members } of blocks) {
    const sorted = [...members].sort();
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) {
        const key = `${sorted[i]}\u0000${sorted[j]}`;
        if (seen[rule]!.has(key)) continue;
        seen[rule]!.add(key);
        pairs[rule]!.push([sorted[i]!, sorted[j]!]);
      }
    }
  }
  return pairs;
}
