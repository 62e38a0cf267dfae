// A data engineer's tools against a running service: `idgraph cypher` and `idgraph import` find the
// service's embedded Neo4j from its store (no lock error), cypher prints a table, JSON or CSV, reads
// unless told to write, takes parameters and files, and every ready query in cypher/analytics/ runs
// on the demo data.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDemoData } from '../../src/cli/demo-data.js';
import { evaluateParams, parseCypherScript } from '../../src/cli/cypher-command.js';
import { projectRoot } from '../../src/config.js';
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { demoPhones } from '../helpers/operations.js';

let api: TestApi;
const prefix = uniqueTag('dataeng');
const phones = demoPhones();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-dataeng-'));
const analyticsDir = path.join(projectRoot, 'cypher/analytics');

beforeAll(async () => {
  api = await startTestApi();
  await loadDemoData(api.db.graph, api.config, () => {}, { prefix, phones });
});
afterAll(async () => {
  await api.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the built command as a data engineer would while the service runs: no NEO4J_URI, its store. */
function idgraph(...args: string[]) {
  const home = process.env.IDGRAPH_TEST_NEO4J_HOME;
  if (!home) throw new Error('the global setup did not start an embedded Neo4j (NEO4J_URI was set)');
  const { NEO4J_URI: _running, ...inherited } = process.env;
  const result = spawnSync(process.execPath, [path.join(projectRoot, 'dist/cli/idgraph.js'), ...args], {
    encoding: 'utf8',
    env: { ...inherited, NEO4J_HOME: home, NODE_ENV: 'production' },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('idgraph cypher', () => {
  const query = 'MATCH (p:Persona {key: $key}) RETURN p.key AS key, p.context AS context, p.label AS label';

  it("uses the running service's database and prints a table", () => {
    const run = idgraph('cypher', query, '--param', `key=${prefix}:store:joe-side`);
    expect(run.stderr).toMatch(/Using the running service's Neo4j at bolt:\/\/127\.0\.0\.1:\d+/);
    expect(run.stderr).not.toMatch(/already using the store/);
    expect(run.status).toBe(0);
    const key = `${prefix}:store:joe-side`;
    expect(run.stdout.trim().split('\n')).toEqual([
      `+-${'-'.repeat(key.length)}-+----------+-----------------+`,
      `| ${'key'.padEnd(key.length)} | context  | label           |`,
      `+-${'-'.repeat(key.length)}-+----------+-----------------+`,
      `| ${key} | BUSINESS | Side-hustle Joe |`,
      `+-${'-'.repeat(key.length)}-+----------+-----------------+`,
      '1 row',
    ]);
  });

  it('prints JSON with --json and CSV with --csv', () => {
    const key = `${prefix}:store:joe-side`;
    const json = idgraph('cypher', query, '--param', `key=${key}`, '--json');
    expect(JSON.parse(json.stdout)).toEqual([{ key, context: 'BUSINESS', label: 'Side-hustle Joe' }]);
    const csv = idgraph('cypher', query, '--param', `key=${key}`, '--csv');
    expect(csv.stdout).toBe(`key,context,label\n${key},BUSINESS,Side-hustle Joe\n`);
  });

  it('refuses to write without --write, and writes with it', () => {
    const write = `MERGE (n:DataEngineerNote {id: $id}) RETURN n.id AS id`;
    const refused = idgraph('cypher', write, '--param', `id=${prefix}`);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/run it again with --write/);
    expect(idgraph('cypher', write, '--param', `id=${prefix}`, '--write', '--json').stdout).toMatch(prefix);
    const count = idgraph(
      'cypher',
      'MATCH (n:DataEngineerNote {id: $id}) RETURN count(n) AS n',
      '--param',
      `id=${prefix}`,
      '--json',
    );
    expect(JSON.parse(count.stdout)).toEqual([{ n: 1 }]);
  });

  it('runs a file with :param defaults that --param overrides', () => {
    const file = path.join(dir, 'personas.cypher');
    fs.writeFileSync(
      file,
      [
        '// Personas of a prefix.',
        `:param prefix => '${prefix}:store:'`,
        ':param limit => 1 + 1',
        'MATCH (p:Persona) WHERE p.key STARTS WITH $prefix',
        'RETURN p.key AS key ORDER BY key LIMIT $limit;',
      ].join('\n'),
    );
    expect(JSON.parse(idgraph('cypher', file, '--json').stdout)).toEqual([
      { key: `${prefix}:store:joe-office` },
      { key: `${prefix}:store:joe-personal` },
    ]);
    expect(JSON.parse(idgraph('cypher', file, '--param', 'limit=3', '--json').stdout)).toHaveLength(3);
  });
});

describe('idgraph import against a running service', () => {
  it('stores the events in the running database and lists the unmapped codes', () => {
    const file = path.join(dir, 'events.jsonl');
    fs.writeFileSync(
      file,
      `${JSON.stringify({
        id: `${prefix}-import-1`,
        type: 'email_open',
        occurredAt: '2026-05-01T10:00:00Z',
        source: 'esp',
        campaign: `${prefix}-C12DHE33`,
        actor: {
          persona: { key: `${prefix}:imported` },
          identifiers: [{ type: 'email', value: `imp@${prefix}.example` }],
        },
      })}\n`,
    );
    const run = idgraph('import', file);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/Using the running service's Neo4j/);
    expect(run.stderr).toMatch(
      new RegExp(`unmapped codes, stored and waiting for a mapping: campaign ${prefix}-C12DHE33`),
    );
    expect(JSON.parse(run.stdout.trim())).toMatchObject({
      accepted: 1,
      rejected: 0,
      unmapped: [{ kind: 'campaign', code: `${prefix}-C12DHE33` }],
      rejectsFile: null,
    });
    expect(fs.existsSync(`${file}.rejects.jsonl`)).toBe(false);
  });
});

describe('cypher/analytics', () => {
  const files = fs.readdirSync(analyticsDir).filter((f) => f.endsWith('.cypher'));

  it('holds the reports docs/cypher.md lists', () => {
    expect(files.sort()).toEqual([
      'consent-coverage.cypher',
      'glue-identifiers.cypher',
      'persons-with-many-personas.cypher',
      'score-distributions.cypher',
      'shared-identifiers.cypher',
      'unmapped-codes.cypher',
    ]);
  });

  /** Runs a report as is (its :param defaults), with a larger limit so the demo rows are in. */
  async function report(file: string) {
    const script = parseCypherScript(fs.readFileSync(path.join(analyticsDir, file), 'utf8'));
    expect(script.statements).toHaveLength(1);
    const params = { ...(await evaluateParams(api.db.graph, script.params)) };
    if ('limit' in params) params.limit = 100_000;
    return api.db.graph.runTextTx(script.statements[0]!, params, 'READ');
  }

  it('finds the loyalty card that glues two of Joe’s personas', async () => {
    const { rows } = await report('glue-identifiers.cypher');
    expect(rows.find((r) => r.value === `${prefix}-card-7781`)).toEqual({
      type: 'loyalty',
      value: `${prefix}-card-7781`,
      personas: 2,
      persons: 1,
      maxPersonas: 5,
    });
  });

  it('finds the switchboard number and its reach of seven personas', async () => {
    const { rows } = await report('shared-identifiers.cypher');
    const switchboard = rows.find((r) => r.value === phones[4].replace(/\s/g, ''));
    expect(switchboard).toMatchObject({ type: 'phone', personas: 7, persons: 7, maxPersonas: 5 });
  });

  it('finds Joe as a person with three personas, one of them joined by an assertion', async () => {
    const { rows } = await report('persons-with-many-personas.cypher');
    const joe = rows.find((r) => (r.keys as string[]).includes(`${prefix}:store:joe-office`));
    expect(joe).toMatchObject({ personas: 3, assertions: 1 });
    expect((joe!.contexts as string[]).sort()).toEqual(['BUSINESS', 'PERSONAL', 'WORK']);
  });

  it('lists unmapped codes with their use', async () => {
    const { columns } = await report('unmapped-codes.cypher');
    expect(columns).toEqual(['kind', 'code', 'events', 'firstSeen', 'lastSeen']);
  });

  it('reports consent coverage for the demo purposes', async () => {
    const { columns, rows } = await report('consent-coverage.cypher');
    expect(columns).toEqual([
      'purpose',
      'channel',
      'reachable',
      'granted',
      'withdrawn',
      'unanswered',
      'grantedShare',
    ]);
    expect(rows.map((r) => `${r.purpose}/${r.channel}`)).toEqual(
      expect.arrayContaining(['promotions/EMAIL', 'job-alerts/EMAIL']),
    );
  });
});

describe('operator commands against a running service', () => {
  it('loads a taxonomy into the running database instead of refusing the locked store', async () => {
    const file = path.join(dir, 'taxonomy.csv');
    fs.writeFileSync(
      file,
      [
        'kind,code,name,channel,campaign,topics,vocabulary,broader',
        `term,pets-${prefix},Pets,,,,topic,`,
      ].join('\n'),
    );
    const run = idgraph('taxonomy', 'load', file);
    expect(run.stderr).toMatch(/Using the running service's Neo4j/);
    expect(run.stderr).not.toMatch(/already using the store/);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout.trim())).toEqual({ defined: 1, unchanged: 0, errors: [] });
  });

  it('prunes the running service’s change feed instead of refusing the locked store', () => {
    // Nothing in the shared test feed is this old, so the other files' cursors stay valid.
    const run = idgraph('prune-changes', '--older-than-days', '100000');
    expect(run.stderr).toMatch(/Using the running service's Neo4j/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^pruned 0 changes: none was sequenced before \S+ \(older than 100000 days\)$/m,
    );
  });
});
