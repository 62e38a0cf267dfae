// The change feed's rules that need no database: cursors, filters, the type list, and how a
// reader learns that retention pruned the changes it was about to read.
import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, type GraphQLEnumType } from 'graphql';
import type { ChangeFeed } from '../../src/changes/changes.feed.js';
import { matchesFilter, type ChangeModel } from '../../src/changes/changes.model.js';
import { changeTypes } from '../../src/outbox/outbox.model.js';
import type { ChangesRepository, FeedBounds } from '../../src/changes/changes.repository.js';
import { ChangesService, parseCursor } from '../../src/changes/changes.service.js';
import { projectRoot } from '../../src/config.js';

const sample: ChangeModel = {
  seq: 7,
  id: 'c7',
  type: 'FACT_RECORDED',
  at: '2026-01-01T00:00:00.000Z',
  personaIds: ['p1'],
  personIds: ['q1'],
  data: null,
};

function serviceOver(bounds: FeedBounds, pageResult: { changes: ChangeModel[]; prunedThrough: number }) {
  const repository = {
    bounds: async () => bounds,
    page: async () => pageResult,
  } as unknown as ChangesRepository;
  const feed = {
    isRunning: true,
    position: bounds.last,
    sync: async () => {},
    readBuffered: () => undefined,
    waitBeyond: async () => {},
  } as unknown as ChangeFeed;
  return new ChangesService(repository, feed);
}

describe('change cursors', () => {
  it('reads the cursors the API issues and rejects anything else as BAD_USER_INPUT', () => {
    expect(parseCursor('0')).toBe(0);
    expect(parseCursor('123456')).toBe(123456);
    expect(parseCursor(null)).toBeUndefined();
    for (const bad of ['', '-1', '1.5', 'abc', '1e3', '9'.repeat(16)]) {
      expect(() => parseCursor(bad)).toThrow(
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
      );
    }
  });

  it('tells a reader whose cursor is older than the retained feed that changes were pruned', async () => {
    const service = serviceOver({ last: 500, prunedThrough: 100 }, { changes: [], prunedThrough: 100 });
    await expect(service.page({ after: '50' })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', reason: 'CURSOR_PRUNED', oldestCursor: '100' },
    });
    await expect(service.subscribe({}, '50')).rejects.toMatchObject({
      extensions: { reason: 'CURSOR_PRUNED' },
    });
  });

  it('stops a replaying subscriber with CURSOR_PRUNED when pruning overtakes it, instead of skipping', async () => {
    const service = serviceOver({ last: 500, prunedThrough: 0 }, { changes: [], prunedThrough: 300 });
    const stream = await service.subscribe({}, '150');
    await expect(stream.next()).rejects.toMatchObject({
      extensions: { reason: 'CURSOR_PRUNED', oldestCursor: '300' },
    });
  });

  it('rejects a cursor beyond the end of the feed', async () => {
    const service = serviceOver({ last: 500, prunedThrough: 0 }, { changes: [], prunedThrough: 0 });
    await expect(service.page({ after: '501' })).rejects.toMatchObject({
      extensions: { reason: 'CURSOR_AHEAD' },
    });
  });
});

describe('change filters', () => {
  it('match by type, persona and person, all that are given', () => {
    expect(matchesFilter(sample, {})).toBe(true);
    expect(matchesFilter(sample, { types: [] })).toBe(true);
    expect(matchesFilter(sample, { types: ['FACT_RECORDED', 'PERSON_ERASED'] })).toBe(true);
    expect(matchesFilter(sample, { types: ['PERSON_ERASED'] })).toBe(false);
    expect(matchesFilter(sample, { personaId: 'p1' })).toBe(true);
    expect(matchesFilter(sample, { personaId: 'p2' })).toBe(false);
    expect(matchesFilter(sample, { personId: 'q1', types: ['FACT_RECORDED'] })).toBe(true);
    expect(matchesFilter(sample, { personId: 'q2' })).toBe(false);
  });
});

describe('change types', () => {
  it('are the same in schema.graphql as the ones writers may record', () => {
    const schema = buildSchema(fs.readFileSync(path.join(projectRoot, 'schema.graphql'), 'utf8'));
    const values = (schema.getType('ChangeType') as GraphQLEnumType).getValues().map((v) => v.name);
    expect(values).toEqual([...changeTypes]);
  });
});
