// `idgraph taxonomy load`: a spreadsheet of codes defines campaigns, assets and terms; loading it again
// changes nothing; a bad row is reported and the others land.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/config.js';
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { dataOf } from '../helpers/operations.js';

let api: TestApi;
const tag = uniqueTag('taxcli');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-taxonomy-'));

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function load(file: string) {
  const result = spawnSync(
    process.execPath,
    [path.join(projectRoot, 'dist/cli/idgraph.js'), 'taxonomy', 'load', file],
    {
      env: { ...process.env, NODE_ENV: 'production' },
      encoding: 'utf8',
    },
  );
  return { status: result.status, summary: JSON.parse(result.stdout.trim().split('\n').pop()!) as unknown };
}

describe('idgraph taxonomy load', () => {
  it('loads a CSV of codes idempotently and reports a bad row by name', async () => {
    const csv = path.join(dir, 'codes.csv');
    fs.writeFileSync(
      csv,
      [
        'kind,code,name,channel,campaign,topics,vocabulary,broader',
        `term,cargo-${tag},Cargo,,,,topic,`,
        `term,sea-${tag},"Sea freight, containers",,,,topic,cargo-${tag}`,
        `campaign,C-${tag},Sea freight offer,email,,sea-${tag},,`,
        `asset,IMG-${tag},Ship banner,,C-${tag},sea-${tag};cargo-${tag},,`,
        `campaign,BAD-${tag},Broken,,,nowhere-${tag},,`,
      ].join('\n'),
    );
    expect(load(csv)).toEqual({
      status: 1,
      summary: {
        defined: 4,
        unchanged: 0,
        errors: [
          {
            item: `campaign BAD-${tag}`,
            message: `topics: no term nowhere-${tag} in vocabulary topic; define them first`,
          },
        ],
      },
    });
    expect(load(csv).summary).toMatchObject({ defined: 0, unchanged: 4 });
    const { campaign } = dataOf(
      await api.gql<{ campaign: unknown }>(
        `{ campaign(code: "C-${tag}") { name channel topics { label broader { key } } } }`,
      ),
    );
    expect(campaign).toEqual({
      name: 'Sea freight offer',
      channel: 'EMAIL',
      topics: [{ label: 'Sea freight, containers', broader: { key: `cargo-${tag}` } }],
    });
  });

  it('loads fact keys and questions from JSON, follow-ups after their parents', async () => {
    const json = path.join(dir, 'knowledge.json');
    fs.writeFileSync(
      json,
      JSON.stringify({
        factKeys: [{ key: `fleet_${tag.replace(/-/g, '_')}`, type: 'NUMBER' }],
        questions: [
          {
            key: `q2-${tag}`,
            factKey: `fleet_${tag.replace(/-/g, '_')}`,
            text: 'Trucks?',
            after: { question: `q1-${tag}` },
          },
          { key: `q1-${tag}`, factKey: `fleet_${tag.replace(/-/g, '_')}`, text: 'Fleet?' },
        ],
      }),
    );
    expect(load(json)).toEqual({ status: 0, summary: { defined: 3, unchanged: 0, errors: [] } });
    expect(load(json).summary).toEqual({ defined: 0, unchanged: 3, errors: [] });
  });
});
