// Grouping rules without a database: components of evidence, and stable person ids.
import { assignPersons, components } from '../../src/identity/grouping.js';

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
