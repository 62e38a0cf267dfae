// The matching model without a database: comparators and their levels, blocking keys, and a
// Fellegi–Sunter model trained without labels whose every score is the sum of its explanation.
import { blockingKeys, pairsOfBlocks } from '../../src/matching/matching.blocking.js';
import {
  compareField,
  jaroWinkler,
  levelOfValues,
  levenshtein,
} from '../../src/matching/matching.comparators.js';
import {
  estimateU,
  expectationMaximisation,
  priorWeight,
  scorePair,
  seededRandom,
  train,
  viewOf,
} from '../../src/matching/matching.fellegi-sunter.js';
import { validateMatching } from '../../src/matching/matching.service.js';
import {
  levelsOfField,
  type MatchingDefinition,
  type PersonaValues,
} from '../../src/matching/matching.model.js';

describe('comparators', () => {
  it('gives the textbook Jaro-Winkler similarities', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
  });

  it('counts edits, and stops counting past the limit', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('kitten', 'sitting', 1)).toBe(2);
    expect(levenshtein('c-1042', 'c-1043')).toBe(1);
  });

  it('places pairs of values on each comparator’s levels', () => {
    expect(levelOfValues('EXACT', 'anna', 'anne')).toBe('else');
    expect(levelOfValues('JARO_WINKLER', 'martha', 'marhta')).toBe('close');
    expect(levelOfValues('JARO_WINKLER', 'dwayne', 'duane')).toBe('further');
    expect(levelOfValues('JARO_WINKLER', 'anna', 'bob')).toBe('else');
    expect(levelOfValues('LEVENSHTEIN', 'c-1042', 'c-1043')).toBe('close');
    expect(levelOfValues('LEVENSHTEIN', 'c-1042', 'c-1152')).toBe('further');
    expect(levelOfValues('LEVENSHTEIN', 'c-1042', 'x-9999')).toBe('else');
  });

  it('calls a date close when one part differs or day and month are swapped, further within a year', () => {
    expect(levelOfValues('DATE', '1980-03-04', '1980-03-04')).toBe('exact');
    expect(levelOfValues('DATE', '1980-03-04', '1981-03-04')).toBe('close');
    expect(levelOfValues('DATE', '1980-03-04', '1980-04-03')).toBe('close');
    expect(levelOfValues('DATE', '1980-03-04', '1980-05-20')).toBe('further');
    expect(levelOfValues('DATE', '1980-03-04', '1990-05-20')).toBe('else');
    expect(levelOfValues('DATE', 'unknown', '1990-05-20')).toBe('else');
  });

  it('takes the best level over every pair of values, and null when a side has none', () => {
    expect(compareField('LEVENSHTEIN', ['zz-1', 'C-1042'], ['c-1043', 'qq'])).toEqual({
      level: 1,
      left: 'C-1042',
      right: 'c-1043',
    });
    expect(compareField('EXACT', [], ['x'])).toEqual({ level: 2, left: null, right: 'x' });
  });

  it('gives a field that crosses with another the level crossed, after the levels that agree', () => {
    expect(levelsOfField({ comparator: 'JARO_WINKLER', crossWith: 'last' })).toEqual([
      'exact',
      'close',
      'crossed',
      'further',
      'else',
      'null',
    ]);
    expect(levelsOfField({ comparator: 'EXACT', crossWith: 'last' })).toEqual([
      'exact',
      'crossed',
      'else',
      'null',
    ]);
    expect(levelsOfField({ comparator: 'EXACT', crossWith: null })).toEqual(['exact', 'else', 'null']);
  });

  it('calls names crossed when they agree across both ways (swapped), never one way alone', () => {
    // James Smith against Smith James: the given name of each is the surname of the other.
    const swapped = compareField('JARO_WINKLER', ['James'], ['Smith'], { left: ['Smith'], right: ['James'] });
    expect(swapped).toEqual({ level: 2, left: 'James', right: 'James' });
    // Swapped with a typo: across, close counts as agreement.
    expect(compareField('JARO_WINKLER', ['James'], ['Smith'], { left: ['Smith'], right: ['Jmaes'] })).toEqual(
      {
        level: 2,
        left: 'James',
        right: 'Jmaes',
      },
    );
    // William Bradson against Keith Williams: one way only, no swap.
    expect(
      compareField('JARO_WINKLER', ['William'], ['Keith'], { left: ['Bradson'], right: ['Williams'] }).level,
    ).toBe(4);
    // Agreeing values stay exact; a missing value is null.
    expect(compareField('JARO_WINKLER', ['anna'], ['anna'], { left: ['x'], right: ['anna'] }).level).toBe(0);
    expect(compareField('JARO_WINKLER', [], ['bob'], { left: ['bob'], right: ['x'] }).level).toBe(5);
  });
});

const definition: MatchingDefinition = {
  fields: [
    { name: 'first', fact: 'firstName', identifierType: null, comparator: 'JARO_WINKLER' },
    { name: 'last', fact: 'lastName', identifierType: null, comparator: 'JARO_WINKLER' },
    { name: 'dob', fact: 'dob', identifierType: null, comparator: 'DATE' },
    { name: 'customer', fact: null, identifierType: 'crm', comparator: 'LEVENSHTEIN' },
  ],
  blocking: [['last'], ['dob']],
  threshold: 0.9,
};

/** A world of distinct people, some recorded twice with a typo here or there. */
function world(): PersonaValues[] {
  const random = seededRandom(7);
  const syllables = ['an', 'ber', 'ka', 'lo', 'mi', 'ra', 'sel', 'to', 'vin', 'du', 'ge', 'hal'];
  const name = () =>
    Array.from({ length: 3 }, () => syllables[Math.floor(random() * syllables.length)]).join('');
  const date = () =>
    `19${50 + Math.floor(random() * 50)}-0${1 + Math.floor(random() * 9)}-${10 + Math.floor(random() * 18)}`;
  const personas: PersonaValues[] = [];
  for (let n = 0; n < 300; n++) {
    const values = [[name()], [name()], [date()], [`c-${1000 + n}`]];
    personas.push({ id: `p${n}`, personId: null, values });
    if (n % 3 === 0) {
      const typo = values.map((v) => [...v]);
      typo[n % 2 === 0 ? 0 : 3]![0] = `${typo[n % 2 === 0 ? 0 : 3]![0]!.slice(0, -1)}x`;
      personas.push({ id: `p${n}-again`, personId: null, values: typo });
    }
  }
  return personas;
}

/** Each blocking rule's candidate pairs, as indexes into `personas`. */
function candidates(personas: PersonaValues[], model = definition): [number, number][][] {
  const byKey = new Map<string, { rule: number; members: string[] }>();
  for (const persona of personas) {
    for (const { key, rule } of blockingKeys(model, persona)) {
      const block = byKey.get(key) ?? { rule, members: [] };
      block.members.push(persona.id);
      byKey.set(key, block);
    }
  }
  const index = new Map(personas.map((p, n) => [p.id, n]));
  return pairsOfBlocks(2, [...byKey.values()]).map((pairs) =>
    pairs.map(([a, b]) => [index.get(a)!, index.get(b)!] as [number, number]),
  );
}

describe('blocking keys', () => {
  it('gives one key per rule whose fields the persona has, equal for equal values whatever their case', () => {
    const a = { id: 'a', personId: null, values: [['Anna'], ['Schmidt '], ['1980-03-04'], []] };
    const b = { id: 'b', personId: null, values: [['Bo'], ['schmidt'], [], ['c-1']] };
    const [aLast, aDob] = blockingKeys(definition, a);
    expect(blockingKeys(definition, b)).toEqual([aLast]);
    expect(aDob!.rule).toBe(1);
    expect(aLast!.key).not.toContain('schmidt');
  });

  it('keys the values of two fields that cross unordered, so that swapped names meet', () => {
    const crossing: MatchingDefinition = {
      ...definition,
      fields: definition.fields.map((f, n) => (n === 0 ? { ...f, crossWith: 'last' } : f)),
      blocking: [['first', 'last', 'dob'], ['dob']],
    };
    const a = { id: 'a', personId: null, values: [['Anna'], ['Schmidt'], ['1980-03-04'], []] };
    const swapped = { id: 'b', personId: null, values: [['schmidt'], ['anna'], ['1980-03-04'], []] };
    const other = { id: 'c', personId: null, values: [['Anna'], ['Smith'], ['1980-03-04'], []] };
    expect(blockingKeys(crossing, swapped)).toEqual(blockingKeys(crossing, a));
    expect(blockingKeys(crossing, other)[0]).not.toEqual(blockingKeys(crossing, a)[0]);
    // Without crossWith the order counts.
    expect(blockingKeys({ ...crossing, fields: definition.fields }, swapped)[0]).not.toEqual(
      blockingKeys({ ...crossing, fields: definition.fields }, a)[0],
    );
  });
});

describe('a Fellegi–Sunter model trained without labels', () => {
  const personas = world();
  const trained = train(definition, personas, candidates(personas), {
    samplePairs: 20_000,
    seed: 1,
    now: '2026-12-06T00:00:00.000Z',
  });

  it('learns that agreement is far likelier among matches than among random pairs', () => {
    for (const field of trained.fields) {
      // Typos move some matches to close: exact and close together hold almost all.
      expect(field.m[0]! + field.m[1]!).toBeGreaterThan(0.9);
      expect(field.u[0]).toBeLessThan(0.05);
    }
    // About 100 of the ~56,000 pairs are one person.
    expect(trained.prior).toBeGreaterThan(0.0008);
    expect(trained.prior).toBeLessThan(0.008);
  });

  it('scores a twin with a typo far above two strangers, and each score is its explanation summed', () => {
    const twin = scorePair(definition, trained, personas[0]!, personas[1]!);
    const strangers = scorePair(definition, trained, personas[2]!, personas[3]!);
    expect(twin.probability).toBeGreaterThan(0.99);
    expect(strangers.probability).toBeLessThan(0.01);
    for (const pair of [twin, strangers]) {
      const sum = pair.comparisons.reduce((s, c) => s + c.weight, priorWeight(trained.prior));
      expect(sum).toBeCloseTo(pair.matchWeight, 10);
      expect(pair.probability).toBeCloseTo(2 ** pair.matchWeight / (1 + 2 ** pair.matchWeight), 12);
    }
    expect(twin.comparisons.map((c) => c.level)).toEqual(['close', 'exact', 'exact', 'exact']);
  });

  it('shows every level with m, u and log2(m/u), and the null level weighing nothing', () => {
    const view = viewOf({ ...definition, trained });
    const first = view.fields[0]!.levels;
    expect(first.map((l) => l.label)).toEqual(['exact', 'close', 'further', 'else', 'null']);
    expect(first[0]!.weight).toBeCloseTo(Math.log2(first[0]!.m! / first[0]!.u!), 12);
    expect(first[4]).toEqual({ label: 'null', m: null, u: null, weight: 0 });
    expect(viewOf({ ...definition, trained: null }).fields[0]!.levels[0]).toEqual({
      label: 'exact',
      m: null,
      u: null,
      weight: null,
    });
  });
});

describe('names that cross', () => {
  const crossing: MatchingDefinition = {
    ...definition,
    fields: definition.fields.map((f, n) => (n === 0 ? { ...f, crossWith: 'last' } : f)),
    blocking: [['first', 'last'], ['dob']],
  };
  // The world's twins, and a copy of every fifth person with given name and surname swapped.
  const personas = world().flatMap((p, n) =>
    n % 5 === 0 && !p.id.endsWith('-again')
      ? [p, { ...p, id: `${p.id}-swapped`, values: [p.values[1]!, p.values[0]!, ...p.values.slice(2)] }]
      : [p],
  );
  const pairs = candidates(personas, crossing);
  const trained = train(crossing, personas, pairs, {
    samplePairs: 20_000,
    seed: 1,
    now: 'now',
  });

  it('learns crossed names as a level of their own, and finds the swapped copies', () => {
    const first = viewOf({ ...crossing, trained }).fields[0]!;
    expect(first.crossWith).toBe('last');
    expect(first.levels.map((l) => l.label)).toEqual([
      'exact',
      'close',
      'crossed',
      'further',
      'else',
      'null',
    ]);
    expect(first.levels[2]!.weight).toBeGreaterThan(5);
    const swapped = personas.find((p) => p.id.endsWith('-swapped'))!;
    const original = personas.find((p) => `${p.id}-swapped` === swapped.id)!;
    const pair = scorePair(crossing, trained, original, swapped);
    // The swap counts once, on the field that declares it; the surname compares as it is.
    expect(pair.comparisons.map((c) => c.level)).toEqual(['crossed', 'else', 'exact', 'exact']);
    expect(pair.comparisons[0]).toMatchObject({ left: original.values[0]![0], right: swapped.values[1]![0] });
    expect(pair.probability).toBeGreaterThan(0.99);
  });

  it('adds up every candidate pair’s comparisons to its match weight', () => {
    const scored = [...new Set(pairs.flat().map(([a, b]) => `${a}|${b}`))].map((key) => {
      const [a, b] = key.split('|').map(Number);
      return scorePair(crossing, trained, personas[a!]!, personas[b!]!);
    });
    expect(scored.length).toBeGreaterThan(100);
    for (const pair of scored) {
      const sum = pair.comparisons.reduce((s, c) => s + c.weight, priorWeight(trained.prior));
      expect(pair.matchWeight).toBeCloseTo(sum, 10);
    }
  });
});

describe('defineMatching’s checks of crossWith', () => {
  const input = (crossWith: Partial<Record<string, string>>) => ({
    fields: [
      { name: 'first', fact: 'first', comparator: 'JARO_WINKLER' as const, crossWith: crossWith.first },
      { name: 'last', fact: 'last', comparator: 'JARO_WINKLER' as const, crossWith: crossWith.last },
      { name: 'dob', fact: 'dob', comparator: 'DATE' as const, crossWith: crossWith.dob },
    ],
    blocking: [['first', 'last']],
  });

  it('keeps a crossing of two fields of one comparator, declared on one of them', () => {
    expect(validateMatching(input({ first: 'last' })).fields.map((f) => f.crossWith)).toEqual([
      'last',
      null,
      null,
    ]);
  });

  it('refuses a crossing with an unknown field, another comparator, itself, or declared on both', () => {
    for (const crossing of [
      { first: 'middle' },
      { first: 'dob' },
      { first: 'first' },
      { first: 'last', last: 'first' },
    ]) {
      expect(() => validateMatching(input(crossing))).toThrow(/crossWith/);
    }
  });
});

describe('term frequencies', () => {
  it('weighs agreement on a common surname less than on a rare one', () => {
    const personas: PersonaValues[] = Array.from({ length: 200 }, (_, n) => ({
      id: `p${n}`,
      personId: null,
      values: [[`first${n}`], [n < 40 ? 'smith' : `rare${n}`], [], []],
    }));
    personas.push({ id: 'rare-again', personId: null, values: [['x'], ['rare150'], [], []] });
    personas.push({ id: 'smith-again', personId: null, values: [['y'], ['smith'], [], []] });
    const trained = train(definition, personas, [[], []], { samplePairs: 50_000, seed: 1, now: 'now' });
    expect(Object.keys(trained.fields[1]!.frequencies)).toEqual(['smith']);
    const rare = scorePair(definition, trained, personas[150]!, personas[200]!);
    const common = scorePair(definition, trained, personas[0]!, personas[201]!);
    expect(rare.comparisons[1]!.level).toBe('exact');
    expect(common.comparisons[1]!.level).toBe('exact');
    expect(common.comparisons[1]!.weight).toBeLessThan(rare.comparisons[1]!.weight - 2);
  });

  it('weighs a typo of a common surname less than a typo of a rare one', () => {
    const personas: PersonaValues[] = Array.from({ length: 200 }, (_, n) => ({
      id: `p${n}`,
      personId: null,
      values: [[`first${n}`], [n < 40 ? 'smith' : `rarename${n}`], [], []],
    }));
    const trained = train(definition, personas, [[], []], { samplePairs: 50_000, seed: 1, now: 'now' });
    const typo = (id: string, last: string) => ({ id, personId: null, values: [['x'], [last], [], []] });
    const common = scorePair(definition, trained, personas[0]!, typo('a', 'smiht'));
    const rare = scorePair(definition, trained, personas[150]!, typo('b', 'rarenaem150'));
    expect([common.comparisons[1]!.level, rare.comparisons[1]!.level]).toEqual(['close', 'close']);
    // u of close scaled by how much more common than average smith is: 0.2 against u_exact.
    const [u, f] = [trained.fields[1]!.u, trained.fields[1]!.frequencies.smith!];
    expect(common.comparisons[1]!.weight).toBeCloseTo(rare.comparisons[1]!.weight - Math.log2(f / u[0]!), 10);
    expect(common.comparisons[1]!.weight).toBeLessThan(rare.comparisons[1]!.weight - 2);
  });
});

describe('u and EM', () => {
  it('counts every pair when there are fewer than the sample asks for', () => {
    const personas = [0, 1, 2].map((n) => ({ id: `${n}`, personId: null, values: [['a'], [], [], []] }));
    const u = estimateU(definition, personas, 100, seededRandom(1));
    // Three pairs, all exact on the first field, smoothed by one over four levels.
    expect(u[0]).toEqual([4 / 7, 1 / 7, 1 / 7, 1 / 7]);
  });

  it('keeps the fields it is not asked to estimate as they were', () => {
    const u = [
      [0.01, 0.99],
      [0.01, 0.99],
      [0.01, 0.99],
    ];
    const { m, lambda } = expectationMaximisation(
      [
        { vector: [0, 0, 0], count: 10 },
        { vector: [1, 1, 0], count: 90 },
      ],
      u,
      [true, true, false],
      [
        [0.9, 0.1],
        [0.9, 0.1],
        [0.7, 0.3],
      ],
    );
    expect(m[2]).toEqual([0.7, 0.3]);
    expect(m[0]![0]).toBeGreaterThan(0.95);
    expect(m[1]![0]).toBeGreaterThan(0.95);
    expect(lambda).toBeCloseTo(0.1, 2);
  });
});
