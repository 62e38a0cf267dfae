// The bench's dataset generator: the same seed gives the same bytes, a smaller size is a prefix of a
// larger one, and the small size imports through `idgraph import` with no line rejected.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateEvents, generateLines, writeDataset } from '../../bench/generate.js';
import { projectRoot } from '../../src/config.js';
import { startTestApi, type TestApi } from '../helpers/api.js';

const digest = (size: number, seed: number) => {
  const hash = createHash('sha256');
  for (const line of generateLines({ size, seed })) hash.update(line);
  return hash.digest('hex');
};

describe('the bench dataset generator', () => {
  it('writes byte-identical output for the same seed and different output for another', () => {
    expect(digest(3_000, 7)).toBe(digest(3_000, 7));
    expect(digest(3_000, 8)).not.toBe(digest(3_000, 7));
  });

  it('makes a smaller size the prefix of a larger one', () => {
    const small = [...generateLines({ size: 2_000, seed: 3 })];
    const large = [...generateLines({ size: 5_000, seed: 3 })];
    expect(large.slice(0, 2_000)).toEqual(small);
  });

  it('holds the shapes the bench needs: shared phones, personas per person, campaigns and consents', () => {
    const types = new Map<string, number>();
    const switchboardHolders = new Map<string, Set<string>>();
    let amounts = 0;
    let withdrawals = 0;
    let guests = 0;
    for (const event of generateEvents({ size: 10_000, seed: 1 })) {
      types.set(event.type, (types.get(event.type) ?? 0) + 1);
      for (const identifier of event.actor.identifiers ?? []) {
        if (identifier.type === 'phone' && identifier.value.startsWith('+1 212 200') && event.actor.persona) {
          const holders = switchboardHolders.get(identifier.value) ?? new Set();
          switchboardHolders.set(identifier.value, holders.add(event.actor.persona.key));
        }
      }
      if (event.type === 'purchase' && typeof event.amount === 'number') amounts++;
      if (event.consents?.some((c) => !c.granted && c.identifier)) withdrawals++;
      if (event.mentions?.some((m) => m.role === 'GUEST')) guests++;
    }
    expect([...types.keys()].sort()).toEqual([
      'booking',
      'email_click',
      'email_open',
      'login',
      'message_sent',
      'page_view',
      'preference_update',
      'purchase',
      'signup',
    ]);
    expect(Math.max(...[...switchboardHolders.values()].map((s) => s.size))).toBeGreaterThanOrEqual(24);
    expect(amounts).toBe(types.get('purchase'));
    expect(withdrawals).toBeGreaterThan(0);
    expect(guests).toBe(types.get('booking'));
  });
});

describe('the small dataset through idgraph import', () => {
  let api: TestApi;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-generate-'));
  const file = path.join(dir, 'events.jsonl');

  beforeAll(async () => {
    api = await startTestApi();
    // A seed no other file uses keeps these keys apart from every other test's data.
    await writeDataset(file, { size: 10_000, seed: 4_242 });
  });
  afterAll(async () => {
    await api.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('imports every one of the 10k events, none rejected', () => {
    const run = spawnSync(process.execPath, [path.join(projectRoot, 'dist/cli/idgraph.js'), 'import', file], {
      encoding: 'utf8',
      env: { ...process.env, NODE_ENV: 'production' },
    });
    expect(run.status).toBe(0);
    const summary = JSON.parse(run.stdout.trim().split('\n').pop()!);
    expect(summary).toMatchObject({ lines: 10_000, accepted: 10_000, duplicates: 0, rejected: 0 });
  }, 660_000);
});
