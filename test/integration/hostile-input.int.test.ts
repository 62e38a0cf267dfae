// Random and hostile input thrown at the API (fast-check): Cypher fragments, huge strings, NUL bytes,
// wrong types, deep and wide documents. Every answer is data or a clear error with its code, never an
// internal error or a stack trace, and refused input leaves the database as it was. This file runs on a
// database no other file writes to meanwhile, so the node and relationship counts are not moved by
// other test files.
import fc from 'fast-check';
import { startTestApiOnQuietDatabase, type GraphQLResponse, type TestApi } from '../helpers/api.js';
import { dataOf, ingest } from '../helpers/operations.js';

let api: TestApi;

/** Strings an attacker or a broken client sends. */
const hostileString = fc.oneof(
  fc.constantFrom(
    "'}) DETACH DELETE n //",
    '"}) MATCH (n) DETACH DELETE n RETURN 1 //',
    '$type} RETURN 1 UNION MATCH (n) DETACH DELETE n //',
    '\u0000',
    'a\u0000b',
    '\uD800',
    '{{first_name}}',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    'x'.repeat(20_000),
    '',
    '   ',
  ),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
);

const knownCodes = new Set([
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHENTICATED',
]);

/** Data, or errors that each carry a known code and nothing internal. */
function expectClearAnswer(body: GraphQLResponse) {
  for (const error of body.errors ?? []) {
    expect(knownCodes).toContain(error.extensions?.code);
    expect(error.extensions).not.toHaveProperty('stacktrace');
    expect(error.message).not.toMatch(/Neo4jError|at .+\.(js|ts):\d+/);
  }
  if (!body.errors?.length) expect(body.data).toBeTruthy();
}

async function counts() {
  const [row] = (await api.db.graph.runText(
    'MATCH (n) WITH count(n) AS nodes MATCH ()-[r]->() RETURN nodes, count(r) AS relationships',
    {},
    'READ',
  )) as { nodes: number; relationships: number }[];
  return row!;
}

beforeAll(async () => {
  api = await startTestApiOnQuietDatabase();
  await ingest(api, [
    {
      id: 'hostile-seed',
      type: 'signup',
      occurredAt: '2026-01-01T00:00:00Z',
      source: 'web',
      actor: {
        persona: { key: 'hostile:seed', context: 'PERSONAL' },
        identifiers: [{ type: 'email', value: 'seed@hostile.example' }],
        authenticated: true,
      },
    },
  ]);
}, 180_000);
afterAll(async () => {
  await api.close();
});

describe('hostile input', () => {
  it('answers reads with hostile arguments with data or a clear error, and changes nothing', async () => {
    const before = await counts();
    await fc.assert(
      fc.asyncProperty(hostileString, hostileString, async (a, b) => {
        const bodies = await Promise.all([
          api.gql(
            'query ($t: String!, $v: String!) { identifier(type: $t, value: $v) { value personas { key } } }',
            {
              t: a,
              v: b,
            },
          ),
          api.gql('query ($k: String!) { persona(key: $k) { key } }', { k: a }),
          api.gql('query ($q: String!) { search(text: $q) { __typename } }', { q: b }),
          api.gql(
            'query ($v: String!, $u: String!) { resolve(identifier: {type: "email", value: $v}, useCase: $u) { suppressions { code } } }',
            {
              v: a,
              u: b,
            },
          ),
        ]);
        bodies.forEach(expectClearAnswer);
      }),
      { numRuns: 25 },
    );
    expect(await counts()).toEqual(before);
  });

  it('rejects events that are wrong in every field with a reason each, and stores nothing', async () => {
    const before = await counts();
    const event = fc.record({
      id: hostileString,
      type: hostileString,
      occurredAt: fc.constant('2026-01-01T00:00:00Z'),
      source: hostileString,
      actor: fc.record({
        persona: fc.record({ key: hostileString }),
        // Never a registered type: each event is wrong at least here, whatever else it holds.
        identifiers: fc.array(
          fc.record({ type: hostileString.map((t) => `no-such-type ${t}`), value: hostileString }),
          { minLength: 1, maxLength: 3 },
        ),
      }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 5 }), async (events) => {
        const body = await api.gql<{
          ingest: { accepted: number; rejected: { index: number; code: string }[] };
        }>('mutation ($e: [EventInput!]!) { ingest(events: $e) { accepted rejected { index code } } }', {
          e: events,
        });
        expectClearAnswer(body);
        const { accepted, rejected } = dataOf(body).ingest;
        expect(accepted).toBe(0);
        expect(rejected.map((r) => r.index)).toEqual(events.map((_, i) => i));
        expect(new Set(rejected.map((r) => r.code))).toEqual(new Set(['BAD_USER_INPUT']));
      }),
      { numRuns: 20 },
    );
    expect(await counts()).toEqual(before);
  });

  it('refuses wrong types, random documents and deep or wide queries with a clear error', async () => {
    const before = await counts();
    const document = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc
        .integer({ min: 1, max: 60 })
        .map(
          (depth) =>
            `{ ${'identifier(type: "email", value: "x") { personas { identifiers { '.repeat(depth)}value${' } } }'.repeat(depth)} }`,
        ),
      fc
        .integer({ min: 1, max: 3000 })
        .map(
          (width) => `{ ${Array.from({ length: width }, (_, i) => `a${i}: useCases { name }`).join(' ')} }`,
        ),
    );
    await fc.assert(
      fc.asyncProperty(document, fc.anything(), async (query, variables) => {
        expectClearAnswer(await api.gql(query));
        expectClearAnswer(
          await api.gql('mutation ($e: [EventInput!]!) { ingest(events: $e) { accepted } }', {
            e: variables,
          } as Record<string, unknown>),
        );
      }),
      { numRuns: 25 },
    );
    expect(await counts()).toEqual(before);
  });

  it('stores a Cypher fragment given as a value as that value, nothing more', async () => {
    const fragment = "x'}) DETACH DELETE n WITH 1 AS x MATCH (m) DETACH DELETE m //";
    const result = await ingest(api, [
      {
        id: 'hostile-fragment',
        type: 'signup',
        occurredAt: '2026-01-02T00:00:00Z',
        source: 'web',
        actor: { persona: { key: fragment, context: 'PERSONAL' }, identifiers: [], authenticated: true },
      },
    ]);
    expect(result.accepted).toBe(1);
    const found = dataOf(
      await api.gql<{ persona: { key: string } | null; seed: { key: string } | null }>(
        'query ($k: String!) { persona(key: $k) { key } seed: persona(key: "hostile:seed") { key } }',
        { k: fragment },
      ),
    );
    expect(found).toEqual({ persona: { key: fragment }, seed: { key: 'hostile:seed' } });
  });
});
