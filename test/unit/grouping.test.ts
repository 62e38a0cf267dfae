// Grouping rules without a database: components of evidence, and stable person ids.
import { assignPersons, components, transitions } from '../../src/identity/grouping.js';

describe('components of grouping evidence', () => {
  it('puts personas connected through any chain in one component, and lone ones alone', () => {
    expect(
      components(
        ['a', 'b', 'c', 'd', 'e'],
        [
          ['a', 'b'],
          ['c', 'b'],
          ['d', 'd'],
        ],
      ),
    ).toEqual([['a', 'b', 'c'], ['d'], ['e']]);
  });
});

describe('choosing persons for components', () => {
  it('keeps the id of the person that already holds most of a component', () => {
    const current = new Map<string, string | null>([
      ['a', 'P1'],
      ['b', 'P1'],
      ['c', 'P2'],
    ]);
    const [plan] = assignPersons([['a', 'b', 'c']], current);
    expect(plan).toEqual({ members: ['a', 'b', 'c'], personId: 'P1', previous: ['P1', 'P2'] });
  });

  it('gives a split-off component a new person, never the same id twice', () => {
    const current = new Map<string, string | null>([
      ['a', 'P1'],
      ['b', 'P1'],
    ]);
    const plans = assignPersons([['a'], ['b']], current);
    expect(plans[0]!.personId).toBe('P1');
    expect(plans[1]!.personId).not.toBe('P1');
    expect(plans[1]!.personId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('transitions between groupings', () => {
  const map = <V>(entries: [string, V][]) => new Map(entries);

  it('says two new personas formed one person, from no person before', () => {
    expect(
      transitions(
        map([]),
        map([
          ['a', 'Q'],
          ['b', 'Q'],
        ]),
      ),
    ).toEqual([{ type: 'PERSON_GROUPED', personaIds: ['a', 'b'], before: [], after: ['Q'] }]);
  });

  it('says nothing for a lone new persona or an unchanged person', () => {
    expect(
      transitions(
        map([
          ['a', 'P'],
          ['b', 'P'],
        ]),
        map([
          ['a', 'P'],
          ['b', 'P'],
          ['c', 'Q'],
        ]),
      ),
    ).toEqual([]);
  });

  it('says a split once, keeping the person that still exists on both sides', () => {
    expect(
      transitions(
        map([
          ['a', 'P'],
          ['b', 'P'],
          ['c', 'P'],
        ]),
        map([
          ['a', 'P'],
          ['b', 'P'],
          ['c', 'Q'],
        ]),
      ),
    ).toEqual([{ type: 'PERSON_SPLIT', personaIds: ['a', 'b', 'c'], before: ['P'], after: ['P', 'Q'] }]);
  });

  it('says a merge of two persons and a newcomer once', () => {
    expect(
      transitions(
        map<string | null>([
          ['a', 'P'],
          ['b', 'R'],
          ['c', null],
        ]),
        map([
          ['a', 'P'],
          ['b', 'P'],
          ['c', 'P'],
        ]),
      ),
    ).toEqual([{ type: 'PERSON_GROUPED', personaIds: ['a', 'b', 'c'], before: ['P', 'R'], after: ['P'] }]);
  });
});

describe('choosing persons after a split', () => {
  it('lets the larger part keep the person, whatever the order of ids', () => {
    const current = new Map<string, string | null>([
      ['a', 'P1'],
      ['x', 'P1'],
      ['y', 'P1'],
    ]);
    const plans = assignPersons([['a'], ['x', 'y']], current);
    expect(plans[1]).toEqual({ members: ['x', 'y'], personId: 'P1', previous: ['P1'] });
    expect(plans[0]!.personId).not.toBe('P1');
  });
});
