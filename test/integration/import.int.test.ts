// Bulk import from a JSON-lines file through the idgraph command: bad lines are reported with their
// line numbers and reasons, every good line lands, and a second run stores nothing twice.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/config.js';
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { persona } from '../helpers/operations.js';

let api: TestApi;
const tag = uniqueTag('import');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-import-'));
const file = path.join(dir, 'events.jsonl');

beforeAll(async () => {
  api = await startTestApi();
  const event = (i: number, email: string) =>
    JSON.stringify({
      id: `${tag}-${i}`,
      type: 'signup',
      occurredAt: `2026-04-0${1 + (i % 9)}T10:00:00Z`,
      source: 'legacy-crm',
      actor: {
        persona: { key: `${tag}:p${i}`, context: 'PERSONAL' },
        identifiers: [{ type: 'email', value: email }],
      },
    });
  const lines = [
    event(1, `one@${tag}.example`),
    '{ this is not json',
    event(2, 'not-an-email'),
    '',
    JSON.stringify({ id: `${tag}-4`, type: 'signup', source: 'legacy-crm', actor: {} }),
    event(5, `five@${tag}.example`),
    event(6, `six@${tag}.example`),
  ];
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
});
afterAll(async () => {
  await api.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function runImport() {
  const result = spawnSync(
    process.execPath,
    [path.join(projectRoot, 'dist/cli/idgraph.js'), 'import', file, '--batch', '2'],
    {
      encoding: 'utf8',
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  expect(result.status).toBe(0);
  return { summary: JSON.parse(result.stdout.trim().split('\n').pop()!), progress: result.stderr };
}

describe('idgraph import', () => {
  it('stores every good line and reports each bad one with its line number and reason', async () => {
    const { summary, progress } = runImport();
    expect(summary).toMatchObject({ lines: 7, accepted: 3, duplicates: 0, rejected: 3 });
    expect(progress).toMatch(/lines: \d+ stored/);
    const rejects = fs
      .readFileSync(summary.rejectsFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { line: number; id: string | null; message: string });
    expect(rejects.map((r) => r.line).sort()).toEqual([2, 3, 5]);
    expect(rejects.find((r) => r.line === 2)?.message).toMatch(/not JSON/);
    expect(rejects.find((r) => r.line === 3)).toMatchObject({
      id: `${tag}-2`,
      message: expect.stringMatching(/not an email/),
    });
    expect(rejects.find((r) => r.line === 5)?.message).toMatch(/occurredAt/);
    expect((await persona(api, `${tag}:p6`)).identifiers.map((i) => i.value)).toEqual([`six@${tag}.example`]);
  });

  it('stores nothing twice when the same file is imported again', () => {
    const { summary } = runImport();
    expect(summary).toMatchObject({ accepted: 0, duplicates: 3, rejected: 3 });
  });
});
