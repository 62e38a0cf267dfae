// A bulk import tells integrators what it changed at the level they act on (personas, persons,
// facts, consents), not one IDENTIFIER_ATTACHED per evidence edge as online ingest does.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/config.js';
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';

let api: TestApi;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-import-changes-'));

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Ten personas, each seen in three events naming three identifiers of its own. */
function events(tag: string) {
  return Array.from({ length: 30 }, (_, i) => {
    const p = i % 10;
    return {
      id: `${tag}-${i}`,
      type: 'signup',
      occurredAt: `2026-04-0${1 + (i % 9)}T10:00:00Z`,
      source: 'legacy-crm',
      actor: {
        persona: { key: `${tag}:p${p}`, context: 'PERSONAL' },
        identifiers: [
          { type: 'email', value: `p${p}@${tag}.example` },
          { type: 'account', value: `${tag}-acct-${p}` },
          { type: 'crm', value: `${tag}-crm-${p}` },
        ],
      },
    };
  });
}

/** Changes recorded for the personas whose keys start with the tag, by type. */
async function changesOf(tag: string): Promise<Record<string, number>> {
  const rows = await api.db.graph.runText(
    `MATCH (p:Persona) WHERE p.key STARTS WITH $prefix
     WITH collect(p.id) AS ids
     MATCH (c:Change) WHERE any(id IN c.personaIds WHERE id IN ids)
     RETURN c.type AS type, count(*) AS n ORDER BY type`,
    { prefix: `${tag}:` },
    'READ',
  );
  return Object.fromEntries(rows.map((r) => [r.type as string, r.n as number]));
}

describe('changes recorded by an import', () => {
  it('records the personas an import created, not each identifier it attached', async () => {
    const online = uniqueTag('online');
    const ingest = await api.gql(
      /* GraphQL */ `
        mutation ($events: [EventInput!]!) {
          ingest(events: $events) {
            accepted
          }
        }
      `,
      { events: events(online) },
    );
    expect(ingest.data).toEqual({ ingest: { accepted: 30 } });

    const imported = uniqueTag('imported');
    const file = path.join(dir, 'events.jsonl');
    fs.writeFileSync(
      file,
      `${events(imported)
        .map((e) => JSON.stringify(e))
        .join('\n')}\n`,
    );
    const run = spawnSync(process.execPath, [path.join(projectRoot, 'dist/cli/idgraph.js'), 'import', file], {
      encoding: 'utf8',
      env: { ...process.env, NODE_ENV: 'production' },
    });
    expect(run.status).toBe(0);

    const byIngest = await changesOf(online);
    const byImport = await changesOf(imported);
    console.log(
      `changes for 30 events: ingest ${JSON.stringify(byIngest)}, import ${JSON.stringify(byImport)}`,
    );
    expect(byIngest).toMatchObject({ PERSONA_CREATED: 10, IDENTIFIER_ATTACHED: 30 });
    expect(byImport.PERSONA_CREATED).toBe(10);
    expect(byImport.IDENTIFIER_ATTACHED).toBeUndefined();
  });
});
