// CSV exports through `idgraph import --mapping`, and an import killed halfway that, run again, ends
// with the same counts as one clean run (the kill is a real SIGKILL of the child process).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/config.js';
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { dataOf } from '../helpers/operations.js';

let api: TestApi;
const tag = uniqueTag('csv');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-csv-'));
const cli = path.join(projectRoot, 'dist/cli/idgraph.js');
const examples = path.join(projectRoot, 'examples/import');
const env = { ...process.env, NODE_ENV: 'production' };

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function runImport(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, 'import', ...args], {
    encoding: 'utf8',
    env,
    timeout: 300_000,
  });
  if (result.status !== 0) throw new Error(`import failed (${result.status}):\n${result.stderr}`);
  return { summary: JSON.parse(result.stdout.trim().split('\n').pop()!), log: result.stderr };
}

describe('idgraph import of CSV exports', () => {
  it('loads the example CRM export through its mapping', async () => {
    const file = path.join(dir, 'crm-customers.csv');
    fs.copyFileSync(path.join(examples, 'crm-customers.csv'), file);
    const { summary, log } = runImport(file, '--mapping', path.join(examples, 'crm.mapping.json'));
    expect(summary).toMatchObject({ lines: 4, accepted: 3, duplicates: 0, rejected: 0 });
    expect(log).toMatch(
      /^100% 4 lines: 3 stored, 0 already there, 0 rejected \(\d+ events\/s, took \d\d:\d\d\)$/m,
    );
    const body = await api.gql<{
      persona: { label: string; identifiers: { type: string; value: string }[] };
    }>(/* GraphQL */ `
      {
        persona(key: "crm:C-1002") {
          label
          identifiers {
            type
            value
          }
        }
      }
    `);
    expect(dataOf(body).persona.label).toBe('Grace Hopper');
    expect(
      dataOf(body)
        .persona.identifiers.map((i) => `${i.type}:${i.value}`)
        .sort(),
    ).toEqual(['crm:C-1002', 'email:grace@navy.example.org', 'phone:+14155550172']);
    const kate = await api.gql<{ persona: { label: string } }>(`{ persona(key: "crm:C-1003") { label } }`);
    expect(dataOf(kate).persona.label).toBe('Katherine "Kate" Johnson');
  });

  it('loads the e-shop and email-platform examples and lists their unmapped campaign and asset codes', () => {
    const shop = runImport(
      path.join(examples, 'eshop-orders.csv'),
      '--mapping',
      path.join(examples, 'eshop.mapping.json'),
    );
    expect(shop.summary).toMatchObject({ accepted: 3, rejected: 0 });
    const esp = runImport(
      path.join(examples, 'email-platform-activity.csv'),
      '--mapping',
      path.join(examples, 'email-platform.mapping.json'),
    );
    expect(esp.summary).toMatchObject({ accepted: 3, rejected: 0 });
    expect(esp.summary.unmapped).toEqual(
      expect.arrayContaining([
        { kind: 'asset', code: 'duwe3n4nudd9' },
        { kind: 'campaign', code: 'C12DHE33' },
      ]),
    );
  });
});

describe('an interrupted import', () => {
  // 600 records: every 50th has no date (rejected), every 40th repeats the previous record's id.
  const rows = Array.from({ length: 600 }, (_, i) => {
    const id = i % 40 === 3 ? i - 1 : i;
    const at = i % 50 === 7 ? '' : new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
    return `${tag}-${id},${at},user${id}@${tag}.example`;
  });
  const expected = { lines: 601, accepted: 600 - 12 - 15, duplicates: 15, rejected: 12 };
  const mappingFile = path.join(dir, 'signups.mapping.json');

  beforeAll(() => {
    fs.writeFileSync(
      mappingFile,
      JSON.stringify({
        id: '{id}',
        type: 'signup',
        occurredAt: '{at}',
        source: 'legacy',
        persona: { key: 'legacy:{id}', context: 'PERSONAL' },
        identifiers: [{ type: 'email', value: '{email}' }],
        authenticated: true,
      }),
    );
  });

  it('resumes from its checkpoint after a kill and ends with the counts of one clean run', async () => {
    const file = path.join(dir, 'signups.csv');
    fs.writeFileSync(file, `id,at,email\n${rows.join('\n')}\n`);
    const checkpoint = `${file}.checkpoint.json`;

    const child = spawn(process.execPath, [cli, 'import', file, '--mapping', mappingFile, '--batch', '20'], {
      env,
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ?? code)),
    );
    // Kill it once a third of the file is done, wherever it is in its batch.
    for (;;) {
      const done = fs.existsSync(checkpoint)
        ? (JSON.parse(fs.readFileSync(checkpoint, 'utf8')) as { lines: number }).lines
        : 0;
      if (done >= 200) break;
      if (child.exitCode !== null) throw new Error('the import finished before it could be killed');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const left = JSON.parse(fs.readFileSync(checkpoint, 'utf8')) as { lines: number };
    expect(left.lines).toBeGreaterThanOrEqual(200);
    expect(left.lines).toBeLessThan(601);

    const resumed = runImport(file, '--mapping', mappingFile, '--batch', '20');
    expect(resumed.log).toMatch(new RegExp(`Resuming after line ${left.lines}`));
    expect(resumed.summary).toMatchObject(expected);
    expect(fs.existsSync(checkpoint)).toBe(false);
    const rejects = fs.readFileSync(resumed.summary.rejectsFile, 'utf8').trim().split('\n');
    expect(rejects.map((l) => (JSON.parse(l) as { line: number }).line)).toEqual(
      Array.from({ length: 12 }, (_, k) => 50 * k + 7 + 2),
    );

    const stored = await api.db.graph.runTextTx(
      'MATCH (e:Event) WHERE e.id STARTS WITH $prefix RETURN count(e) AS events',
      { prefix: `${tag}-` },
      'READ',
    );
    expect(stored.rows).toEqual([{ events: expected.accepted }]);

    // A clean run of the same file, stored already: every good record is a duplicate, none lost.
    expect(runImport(file, '--mapping', mappingFile, '--batch', '20').summary).toMatchObject({
      lines: 601,
      accepted: 0,
      duplicates: 600 - 12,
      rejected: 12,
    });
  });

  it('refuses a damaged checkpoint with the way out, and --restart imports from the beginning', () => {
    const file = path.join(dir, 'damaged.csv');
    fs.writeFileSync(file, `id,at,email\n${tag}-d1,2026-03-01T10:00:00Z,${tag}-d1@example.com\n`);
    const checkpoint = `${file}.checkpoint.json`;
    // A checkpoint cut short by a full disk: importing from line 1 silently would hide it.
    fs.writeFileSync(checkpoint, '{"fingerprint":"1:2:abc","batchSize":20,"lin');
    const refused = spawnSync(process.execPath, [cli, 'import', file, '--mapping', mappingFile], {
      encoding: 'utf8',
      env,
    });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`The import checkpoint ${checkpoint} is damaged (`);
    expect(refused.stderr).toContain('run again with --restart to import from the beginning');
    expect(refused.stderr).not.toMatch(/\n\s+at /);

    const restarted = runImport(file, '--mapping', mappingFile, '--restart');
    expect(restarted.summary).toMatchObject({ lines: 2, accepted: 1, duplicates: 0, rejected: 0 });
    expect(fs.existsSync(checkpoint)).toBe(false);
  });
});
