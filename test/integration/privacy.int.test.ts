// Export, erasure and the audit log on the demo data: a person erased leaves nothing of theirs, the
// identifiers they shared stay for the others, and a late event does not bring them back.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDemoData } from '../../src/cli/demo-data.js';
import { projectRoot } from '../../src/config.js';
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { dataOf, demoPhones, ingest, persona, resolve } from '../helpers/operations.js';

let api: TestApi;
const prefix = uniqueTag('privacy');
const phones = demoPhones();

const ERASE_PERSON = /* GraphQL */ `
  mutation ($id: ID!, $reason: String!) {
    erasePerson(id: $id, reason: $reason) {
      personas
      identifiers
      devices
      events
      facts
      consents
    }
  }
`;
const ERASE_PERSONA = ERASE_PERSON.replace('erasePerson(', 'erasePersona(');
const IDENTIFIER = /* GraphQL */ `
  query ($type: String!, $value: String!) {
    identifier(type: $type, value: $value) {
      value
      personas {
        key
      }
    }
  }
`;

async function identifier(type: string, value: string) {
  const data = dataOf(
    await api.gql<{ identifier: { value: string; personas: { key: string }[] } | null }>(IDENTIFIER, {
      type,
      value,
    }),
  );
  return data.identifier;
}

async function nodesNaming(values: string[]): Promise<number> {
  const [row] = await api.db.graph.runText(
    `MATCH (n) WHERE any(k IN keys(n) WHERE any(v IN $values WHERE
       CASE WHEN valueType(n[k]) STARTS WITH 'STRING' THEN n[k] CONTAINS v
            WHEN valueType(n[k]) STARTS WITH 'LIST<STRING' THEN any(x IN n[k] WHERE x CONTAINS v)
            ELSE false END))
     RETURN count(n) AS count`,
    { values },
    'READ',
  );
  return row!.count as number;
}

beforeAll(async () => {
  api = await startTestApi();
  await loadDemoData(api.db.graph, api.config, () => {}, { prefix, phones });
  // The demo load is a few seconds on an idle machine; a shared one may need far longer.
}, 300_000);
afterAll(async () => {
  await api.close();
});

describe('export', () => {
  it('exports the same document from the command line, by persona key, as exportPersona does', async () => {
    const julia = await persona(api, `${prefix}:jobs:julia-personal`);
    const viaApi = dataOf(
      await api.gql<{ exportPersona: Record<string, unknown> }>(
        'query ($id: ID!) { exportPersona(id: $id) }',
        {
          id: julia.id,
        },
      ),
    ).exportPersona;
    const cli = spawnSync(
      process.execPath,
      [path.join(projectRoot, 'dist/cli/idgraph.js'), 'export', '--persona', `${prefix}:jobs:julia-personal`],
      { env: { ...process.env, NODE_ENV: 'production' }, encoding: 'utf8' },
    );
    expect(cli.status).toBe(0);
    const viaCli = JSON.parse(cli.stdout) as Record<string, unknown>;
    expect({ ...viaCli, exportedAt: null }).toEqual({ ...viaApi, exportedAt: null });
    const missing = spawnSync(
      process.execPath,
      [path.join(projectRoot, 'dist/cli/idgraph.js'), 'export', '--person', 'no-such-person'],
      { env: { ...process.env, NODE_ENV: 'production' }, encoding: 'utf8' },
    );
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toBe('No person no-such-person');
  });

  it('writes the exportPerson document of a person to --out, by person id', async () => {
    const julia = await persona(api, `${prefix}:jobs:julia-personal`);
    const personId = julia.person!.id;
    const viaApi = dataOf(
      await api.gql<{ exportPerson: Record<string, unknown> }>('query ($id: ID!) { exportPerson(id: $id) }', {
        id: personId,
      }),
    ).exportPerson;
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-export-')), 'julia.json');
    const cli = spawnSync(
      process.execPath,
      [path.join(projectRoot, 'dist/cli/idgraph.js'), 'export', '--person', personId, '--out', out],
      { env: { ...process.env, NODE_ENV: 'production' }, encoding: 'utf8' },
    );
    expect(cli.status).toBe(0);
    expect(cli.stdout).toBe('');
    const viaCli = JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, unknown>;
    expect({ ...viaCli, exportedAt: null }).toEqual({ ...viaApi, exportedAt: null });
  });

  it("exports Julia's personal persona whole: identifiers, device and hardware, facts, consents, events", async () => {
    const julia = await persona(api, `${prefix}:jobs:julia-personal`);
    const body = await api.gql<{ exportPersona: Record<string, unknown> }>(
      /* GraphQL */ `
        query ($id: ID!) {
          exportPersona(id: $id)
        }
      `,
      { id: julia.id },
    );
    const exported = dataOf(body).exportPersona as {
      personas: {
        key: string;
        identifiers: { type: string; value: string; evidence: { strength: string } }[];
        devices: { device: { id: string }; hardware: { id: string }[] }[];
        facts: { key: string; value: unknown; method: string; source: string }[];
        consents: { purpose: string; granted: boolean; identifier: { value: string } }[];
        events: { id: string; type: string }[];
      }[];
    };
    expect(exported.personas).toHaveLength(1);
    const [p] = exported.personas;
    expect(p!.key).toBe(`${prefix}:jobs:julia-personal`);
    expect(p!.identifiers).toEqual([
      expect.objectContaining({
        type: 'email',
        value: `julia@home.${prefix}.example`,
        evidence: expect.objectContaining({ strength: 'STRONG' }),
      }),
    ]);
    expect(p!.devices).toEqual([
      expect.objectContaining({
        device: expect.objectContaining({ id: `${prefix}-julia-firefox` }),
        hardware: [expect.objectContaining({ id: `${prefix}-julia-laptop` })],
      }),
    ]);
    expect(p!.facts).toEqual([
      expect.objectContaining({
        key: 'job_interest',
        value: 'mechanical engineer',
        method: 'DIRECT',
        source: 'web',
      }),
    ]);
    expect(p!.consents).toEqual([
      expect.objectContaining({
        purpose: 'job-alerts',
        granted: true,
        identifier: expect.objectContaining({ value: `julia@home.${prefix}.example` }),
      }),
    ]);
    expect(p!.events.map((e) => e.id)).toEqual([`${prefix}-julia-alerts`]);
  });

  it('says NOT_FOUND for a person that does not exist', async () => {
    const body = await api.gql(`{ exportPerson(id: "${prefix}-nobody") }`);
    expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('erasing Joe', () => {
  let joeValues: { type: string; value: string }[] = [];
  let personId = '';

  beforeAll(async () => {
    const keys = ['office', 'personal', 'side'].map((k) => `${prefix}:store:joe-${k}`);
    const personas = await Promise.all(keys.map((k) => persona(api, k)));
    personId = personas[0]!.person!.id;
    joeValues = personas.flatMap((p) => p.identifiers.map(({ type, value }) => ({ type, value })));
  });

  it('removes his three personas, six identifiers, two devices, three events and two consents', async () => {
    expect(new Set(joeValues.map((k) => `${k.type}:${k.value}`)).size).toBe(6);
    const erased = dataOf(await api.gql(ERASE_PERSON, { id: personId, reason: 'ticket 42' }));
    expect(erased).toEqual({
      erasePerson: { personas: 3, identifiers: 6, devices: 2, events: 3, facts: 0, consents: 2 },
    });
  });

  it('finds nothing of his by any of his identifiers', async () => {
    for (const { type, value } of joeValues) expect(await identifier(type, value)).toBeNull();
    expect(await nodesNaming([...joeValues.map((k) => k.value), `${prefix}:store:joe-`])).toBe(0);
    const found = dataOf(await api.gql<{ person: unknown }>(`{ person(id: "${personId}") { id } }`));
    expect(found.person).toBeNull();
  });

  it('leaves no personal data of his in the change feed, and announces the erasure without any', async () => {
    const [row] = await api.db.graph.runText(
      `MATCH (c:Change) WHERE any(v IN $values WHERE c.data CONTAINS v) RETURN count(c) AS count`,
      { values: joeValues.map((k) => k.value) },
      'READ',
    );
    expect(row!.count).toBe(0);
    const erasures = await api.db.graph.runText(
      `MATCH (c:Change {type: 'PERSON_ERASED'}) WHERE $personId IN c.personIds RETURN c.data AS data`,
      { personId },
      'READ',
    );
    expect(erasures.map((r) => JSON.parse(r.data as string))).toEqual([
      {
        event: null,
        action: 'erasePerson',
        removed: { personas: 3, identifiers: 6, devices: 2, events: 3, facts: 0, consents: 2 },
      },
    ]);
  });

  it('removes nothing more the second time', async () => {
    const again = dataOf(await api.gql(ERASE_PERSON, { id: personId, reason: 'ticket 42, again' }));
    expect(again).toEqual({
      erasePerson: { personas: 0, identifiers: 0, devices: 0, events: 0, facts: 0, consents: 0 },
    });
  });

  it('ignores his email in a late event (ERASED), and stores it again when the event grants a consent', async () => {
    const office = joeValues.find((k) => k.value.startsWith('joe@office'))!;
    const late = (id: string, consents: unknown[] = []) => ({
      id: `${prefix}-${id}`,
      type: 'login',
      occurredAt: '2026-11-01T09:00:00Z',
      source: 'web',
      actor: { identifiers: [office], authenticated: true, persona: { key: `${prefix}:late-${id}` } },
      consents,
    });
    const result = await ingest(api, [late('late-login')]);
    expect(result.ignored).toEqual([
      { index: 0, id: `${prefix}-late-login`, type: 'email', value: office.value, reason: 'ERASED' },
    ]);
    expect(await identifier('email', office.value)).toBeNull();

    const back = await ingest(api, [
      late('came-back', [{ purpose: 'promotions', channel: 'EMAIL', granted: true }]),
    ]);
    expect(back.ignored).toEqual([]);
    expect(await identifier('email', office.value)).toEqual({
      value: office.value,
      personas: [{ key: `${prefix}:late-came-back` }],
    });
  });
});

describe('erasing a persona whose identifiers others share', () => {
  it("keeps Sam's shared phone for his other account, and the allergy goes with the erased one", async () => {
    const samA = await persona(api, `${prefix}:food:sam-a`);
    const phone = samA.identifiers.find((i) => i.type === 'phone')!;
    const erased = dataOf(await api.gql(ERASE_PERSONA, { id: samA.id, reason: 'asked by Sam' }));
    expect(erased).toEqual({
      erasePersona: { personas: 1, identifiers: 1, devices: 0, events: 1, facts: 1, consents: 0 },
    });
    expect(await identifier('phone', phone.value)).toEqual({
      value: phone.value,
      personas: [{ key: `${prefix}:food:sam-b` }],
    });
    const order = await resolve(api, { type: phone.type, value: phone.value }, `${prefix}-order-preparation`);
    expect(order.personas.map((p) => p.key)).toEqual([`${prefix}:food:sam-b`]);
    expect(order.facts).toEqual([]);
  });

  it('keeps the switchboard number for the six other employees', async () => {
    const employee = await persona(api, `${prefix}:crm:employee-0`);
    const switchboard = employee.identifiers.find((i) => i.type === 'phone')!;
    const erased = dataOf(await api.gql(ERASE_PERSON, { id: employee.person!.id, reason: 'left' }));
    expect(erased).toEqual({
      erasePerson: { personas: 1, identifiers: 1, devices: 0, events: 1, facts: 0, consents: 0 },
    });
    const held = await identifier('phone', switchboard.value);
    expect(held?.personas.map((p) => p.key).sort()).toEqual(
      [1, 2, 3, 4, 5, 6].map((i) => `${prefix}:crm:employee-${i}`),
    );
  });
});

describe('the audit log', () => {
  it('lists the erasures newest first with who, what, target and why, page by page', async () => {
    const AUDIT = /* GraphQL */ `
      query ($after: String) {
        auditLog(first: 2, after: $after) {
          edges {
            cursor
            node {
              who
              when
              action
              target
              reason
            }
          }
          pageInfo {
            endCursor
            hasNextPage
          }
        }
      }
    `;
    type Page = {
      auditLog: {
        edges: { node: { who: string; action: string; target: string; reason: string } }[];
        pageInfo: { endCursor: string; hasNextPage: boolean };
      };
    };
    // Other test files write audit entries at the same time: read page by page and keep this file's
    // erasures, which must come newest first, each once, across pages.
    const mine = new Set(['left', 'asked by Sam', 'ticket 42, again', 'ticket 42']);
    const found: string[][] = [];
    let after: string | null = null;
    let pages = 0;
    while (found.length < mine.size && pages < 200) {
      const page: Page['auditLog'] = dataOf(await api.gql<Page>(AUDIT, { after })).auditLog;
      pages++;
      for (const { node } of page.edges) {
        if (node.action.startsWith('erase') && mine.has(node.reason)) {
          found.push([node.action, node.reason, node.who]);
        }
      }
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBeGreaterThan(1);
    expect(found).toEqual([
      ['erasePerson', 'left', 'anonymous'],
      ['erasePersona', 'asked by Sam', 'anonymous'],
      ['erasePerson', 'ticket 42, again', 'anonymous'],
      ['erasePerson', 'ticket 42', 'anonymous'],
    ]);
  });

  it('refuses a cursor it did not give', async () => {
    const body = await api.gql(`{ auditLog(after: "nonsense") { edges { cursor } } }`);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
