// `idgraph import --bulk` as a data engineer runs it: the same event file imported into two empty
// embedded stores of their own, once through the transactional path and once through Neo4j's offline
// importer, leaves the same graph (bench/graph-dump.ts: nodes, properties, relationships, persons and
// changes, less random ids and clock times). And it refuses a store that holds data, or NEO4J_URI.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dumpStore } from '../../bench/graph-dump.js';
import { generateLines } from '../../bench/generate.js';
import { projectRoot } from '../../src/config.js';

const cli = path.join(projectRoot, 'dist/cli/idgraph.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-bulk-'));
const stores = { transactional: path.join(work, 'transactional'), bulk: path.join(work, 'bulk') };
const file = path.join(work, 'events.jsonl');

/** The CLI with its own embedded Neo4j in `home` (never the test run's database). */
function idgraph(home: string, args: string[], extra: Record<string, string> = {}) {
  const { NEO4J_URI: _external, ...inherited } = process.env;
  const run = spawnSync(process.execPath, [cli, ...args], {
    env: { ...inherited, NEO4J_HOME: home, ...extra },
    encoding: 'utf8',
    timeout: 600_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(() => {
  // 1,200 generated events over three batches, the first event again (a duplicate of an earlier
  // batch's) and a line that is not an event (a rejection).
  const lines = [...generateLines({ size: 1_200, seed: 27 })];
  fs.writeFileSync(file, [...lines, lines[0]!, '{"id": "broken"}\n'].join(''));
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('idgraph import --bulk', () => {
  it('leaves the graph idgraph import leaves for the same events: nodes, relationships, persons, changes', async () => {
    const transactional = idgraph(stores.transactional, ['import', file, '--batch', '400']);
    expect(transactional.status).toBe(0);
    const bulk = idgraph(stores.bulk, ['import', '--bulk', file, '--batch', '400']);
    expect(bulk.status).toBe(0);
    expect(bulk.stderr).toMatch(/with Neo4j's offline importer/);
    expect(bulk.stderr).toMatch(/100% 1202 lines: 1200 stored, 1 already there, 1 rejected/);

    const summary = (text: string) => {
      const { lines, accepted, duplicates, rejected, unmapped } = JSON.parse(text.trim().split('\n').at(-1)!);
      return { lines, accepted, duplicates, rejected, unmapped };
    };
    expect(summary(bulk.stdout)).toEqual(summary(transactional.stdout));
    expect(summary(bulk.stdout)).toMatchObject({ lines: 1202, accepted: 1200, duplicates: 1, rejected: 1 });
    expect(fs.readFileSync(`${file}.rejects.jsonl`, 'utf8')).toMatch(/"line":1202/);

    const expected = await dumpStore(stores.transactional);
    const actual = await dumpStore(stores.bulk);
    expect(expected).toMatch(/^node Persona/m);
    expect(expected).toMatch(/^rel .*-\[HAS_PERSONA/m);
    expect(expected).toMatch(/^change \{"type":"PERSON_GROUPED"/m);
    // Line by line first, so a difference names itself; then the whole text.
    const missing = expected.split('\n').filter((l) => !actual.includes(l));
    const extra = actual.split('\n').filter((l) => !expected.includes(l));
    expect({ missing: missing.slice(0, 5), extra: extra.slice(0, 5) }).toEqual({ missing: [], extra: [] });
    expect(actual).toBe(expected);
  }, 900_000);

  it('refuses a store that holds data, naming it, and leaves it as it was', () => {
    const refused = idgraph(stores.transactional, ['import', '--bulk', file]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/import --bulk loads an empty store only, and .* holds data \(.*Event/);
  }, 300_000);

  it('refuses NEO4J_URI: the offline importer needs the embedded store files', () => {
    const refused = idgraph(path.join(work, 'elsewhere'), ['import', '--bulk', file], {
      NEO4J_URI: 'bolt://127.0.0.1:1',
    });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/import --bulk .* needs the embedded Neo4j: NEO4J_URI/);
    expect(fs.existsSync(path.join(work, 'elsewhere'))).toBe(false);
  });
});
