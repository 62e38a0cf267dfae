// Retention: `idgraph prune-changes` deletes changes older than an age, from the oldest end of the
// feed, and says how many; the service never prunes on its own.
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../src/config.js';
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { change, recordCommitted } from '../helpers/changes.js';

const run = promisify(execFile);
const cli = path.join(projectRoot, 'dist/cli/idgraph.js');

function pruneChanges(...args: string[]) {
  return run(process.execPath, [cli, 'prune-changes', ...args], { env: process.env, timeout: 60_000 });
}

describe('pruning the change feed', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('deletes changes older than the given age, reports how many, and keeps recent ones', async () => {
    const tag = uniqueTag('prune');
    // History from 2001. The database is shared with other test files that follow the feed, so this
    // history sits at negative places, below every real change: pruning it cannot touch theirs.
    const base = -randomInt(1_000_000, 1_000_000_000);
    await api.db.graph.runText(
      `UNWIND $rows AS row
       CREATE (:Change {id: row.id, seq: row.seq, type: 'FACT_RECORDED', at: datetime('2001-01-01T00:00:00Z'),
                        sequencedAt: datetime('2001-01-01T00:00:00Z'), personaIds: [$persona], personIds: []})`,
      { rows: [0, 1, 2].map((i) => ({ id: `${tag}-${i}`, seq: base - i })), persona: `${tag}-persona` },
    );
    await recordCommitted(api.db.graph, [change(tag, 1)]);
    const count = async () =>
      (
        await api.db.graph.runText(
          'MATCH (c:Change) WHERE $persona IN c.personaIds RETURN count(c) AS n',
          { persona: `${tag}-persona` },
          'READ',
        )
      )[0]?.n;
    expect(await count()).toBe(4);

    const tooYoung = await pruneChanges('--older-than-days', '36500');
    expect(tooYoung.stdout).toMatch(/^pruned 0 changes: none was sequenced before/);
    expect(await count()).toBe(4);

    const pruned = await pruneChanges('--older-than-days', '30');
    expect(Number(/^pruned (\d+) changes/.exec(pruned.stdout)?.[1])).toBeGreaterThanOrEqual(3);
    expect(await count()).toBe(1);
  });

  it('refuses an age that is not a whole number of days', async () => {
    await expect(pruneChanges('--older-than-days', 'soon')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--older-than-days must be a whole number of days'),
    });
  });
});
