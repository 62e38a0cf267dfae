// The linkage bench's own arithmetic and generator: pairwise scores counted from group sizes, accepted
// suggestions closed over transitively, and records that are the same for the same seed.
import { entityOf, generateRecords, typo, random } from '../../bench/linkage/generate.js';
import { closeOver, pairwiseScore } from '../../bench/linkage/metrics.js';
import { factsOf } from '../../bench/linkage/records.js';

const truth = new Map([
  ['a1', 'A'],
  ['a2', 'A'],
  ['a3', 'A'],
  ['b1', 'B'],
  ['b2', 'B'],
  ['c1', 'C'],
]);

describe('pairwise precision, recall and F1', () => {
  it('counts the pairs of each group against the pairs of each entity', () => {
    // a1+a2 found, a3 alone, b1+b2+c1 over-merged: 4 true pairs, 1 + 3 predicted, 1 + 1 right.
    const groups = new Map([
      ['a1', 'g1'],
      ['a2', 'g1'],
      ['b1', 'g2'],
      ['b2', 'g2'],
      ['c1', 'g2'],
    ]);
    const score = pairwiseScore(truth, groups);
    expect(score).toEqual({
      truePairs: 4,
      predictedPairs: 4,
      correctPairs: 2,
      precision: 0.5,
      recall: 0.5,
      f1: 0.5,
    });
  });

  it('joins groups through accepted pairs transitively', () => {
    const groups = new Map([...truth.keys()].map((r) => [r, `own-${r}`]));
    const closed = closeOver(groups, [
      ['a1', 'a2'],
      ['a2', 'a3'],
      ['b1', 'b2'],
    ]);
    expect(pairwiseScore(truth, closed)).toEqual({
      truePairs: 4,
      predictedPairs: 4,
      correctPairs: 4,
      precision: 1,
      recall: 1,
      f1: 1,
    });
  });
});

describe('the FEBRL-style generator', () => {
  it('gives the same records for the same seed, and other records for another', () => {
    expect(generateRecords({ records: 300, seed: 3 })).toEqual(generateRecords({ records: 300, seed: 3 }));
    expect(generateRecords({ records: 300, seed: 4 })).not.toEqual(
      generateRecords({ records: 300, seed: 3 }),
    );
  });

  it('writes duplicates of originals under their entity, about the share asked for', () => {
    const records = generateRecords({ records: 2_000, seed: 1, duplicateShare: 0.4 });
    expect(records).toHaveLength(2_000);
    const duplicates = records.filter((x) => x.rec_id.includes('-dup-'));
    expect(duplicates.length / records.length).toBeGreaterThan(0.35);
    expect(duplicates.length / records.length).toBeLessThan(0.45);
    const originals = new Set(
      records.filter((x) => x.rec_id.endsWith('-org')).map((x) => entityOf(x.rec_id)),
    );
    expect(duplicates.every((x) => originals.has(entityOf(x.rec_id)))).toBe(true);
  });

  it('mistypes a value by one keystroke, digits by digits', () => {
    const r = random(5);
    for (let n = 0; n < 200; n++) {
      const changed = typo(r, '4510', true);
      expect(changed).toMatch(/^\d{4}$/);
    }
  });

  it('gives dates as YYYY-MM-DD facts and leaves missing values out', () => {
    expect(
      factsOf({
        rec_id: 'rec-1-org',
        given_name: 'sarah',
        surname: '',
        street_number: '44',
        address_1: 'forbes street',
        address_2: 'wintersloe',
        suburb: 'kellerberrin',
        postcode: '4510',
        state: 'vic',
        date_of_birth: '19300213',
        soc_sec_id: '7535316',
      }),
    ).toEqual([
      { key: 'given_name', value: 'sarah' },
      { key: 'date_of_birth', value: '1930-02-13' },
      { key: 'street', value: '44 forbes street' },
      { key: 'suburb', value: 'kellerberrin' },
      { key: 'postcode', value: '4510' },
      { key: 'state', value: 'vic' },
    ]);
  });
});
