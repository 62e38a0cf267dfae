// The service runs on a real Neo4j Community 5.26 and says so, read from the database itself.
import { startTestApi, type TestApi } from '../helpers/api.js';

describe('health', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('reports the Neo4j version and edition read from the database', async () => {
    const body = await api.gql<{
      health: { ok: boolean; version: string; edition: string; database: string };
    }>(/* GraphQL */ `
      {
        health {
          ok
          database
          version
          edition
        }
      }
    `);
    expect(body.errors).toBeUndefined();
    expect(body.data?.health).toEqual({
      ok: true,
      database: 'Neo4j Kernel',
      version: expect.stringMatching(/^5\.26\./),
      edition: 'community',
    });
  });

  it('uses the Neo4j named by NEO4J_URI and starts no database of its own', () => {
    expect(api.db.uri).toBe(process.env.NEO4J_URI);
    expect(api.db.embedded).toBeUndefined();
  });

  it('answers /health over plain HTTP for load balancers', async () => {
    const response = await fetch(api.url.replace('/graphql', '/health'));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, edition: 'community' });
  });

  it('refuses a query nested deeper than the limit before running it', async () => {
    const deep = await startTestApi({ MAX_QUERY_DEPTH: '3' });
    try {
      const body = await deep.gql('{ persona(key: "x") { person { personas { identifiers { value } } } } }');
      expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(body.errors?.[0]?.message).toMatch(/depth 5 exceeds the limit of 3/);
    } finally {
      await deep.close();
    }
  });

  it('serves GraphiQL and its assets from the service itself, no CDN', async () => {
    const base = api.url.replace('/graphql', '');
    const page = await fetch(`${base}/graphiql`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    const scripts = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.every((s) => s.startsWith('/graphiql/assets/'))).toBe(true);
    for (const asset of scripts) {
      const response = await fetch(`${base}${asset}`);
      expect(response.status).toBe(200);
      // Read to the end: an unread body keeps the request open, and stopping the server then waits
      // for it (Apollo's drain: 10 s).
      await response.arrayBuffer();
    }
  });

  it('rejects a malformed query with a coded error and no stack trace', async () => {
    const body = await api.gql('{ health { nope } }');
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(body)).not.toMatch(/stacktrace|at .*\.js:\d+/);
  });
});
