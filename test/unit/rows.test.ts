// Rows checked at the boundary: a row that does not fit its schema fails naming its statement, and
// the one change-row mapping (feed and webhooks alike) gives the model the subscribers see.
import { z } from 'zod';
import { changeRow } from '../../src/changes/change-row.js';
import { parseJsonText, parseRows } from '../../src/graph/rows.js';

const stored = {
  seq: 3,
  id: 'c3',
  type: 'FACT_RECORDED',
  at: '2026-01-01T00:00:00.000Z',
  personaIds: ['p1'],
  personIds: null,
  data: '{"key":"color","value":"blue"}',
};

describe('parseRows', () => {
  it('returns the parsed rows', () => {
    expect(parseRows('x/ok', z.object({ n: z.number() }), [{ n: 1 }, { n: 2 }])).toEqual([
      { n: 1 },
      { n: 2 },
    ]);
  });

  it('names the statement and the property when a row does not fit', () => {
    expect(() => parseRows('changes/poll', z.object({ waiting: z.number() }), [{ wating: 1 }])).toThrow(
      /cypher\/changes\/poll\.cypher[\s\S]*waiting/,
    );
  });
});

describe('changeRow', () => {
  it('maps a stored change to the model: absent id lists are empty, data is parsed', () => {
    expect(parseRows('changes/page', changeRow, [stored])).toEqual([
      { ...stored, personIds: [], data: { key: 'color', value: 'blue' } },
    ]);
  });

  it('refuses an unknown type and data that is not JSON, naming the statement', () => {
    expect(() => parseRows('changes/page', changeRow, [{ ...stored, type: 'NOT_A_TYPE' }])).toThrow(
      /cypher\/changes\/page\.cypher/,
    );
    expect(() => parseRows('changes/poll', changeRow, [{ ...stored, data: '{oops' }])).toThrow(
      /cypher\/changes\/poll\.cypher[\s\S]*change c3: data is not JSON/,
    );
  });
});

describe('parseJsonText', () => {
  it('parses JSON text and keeps older plain text as it is', () => {
    expect(parseJsonText('["a",1]')).toEqual(['a', 1]);
    expect(parseJsonText('"blue"')).toBe('blue');
    expect(parseJsonText('blue')).toBe('blue');
  });
});
