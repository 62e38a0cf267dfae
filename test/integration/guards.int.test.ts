// What the service refuses before any operation runs: a document with more tokens than the limit
// (while parsing, over HTTP and WebSocket), and a WebSocket without a valid API key.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestApi, type TestApi } from '../helpers/api.js';

const aliased = (count: number, field: string) =>
  `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ')} }`;

/** The first error of one operation sent over WebSocket. */
async function firstWsError(wsUrl: string, query: string, key?: string) {
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: key ? { authorization: `Bearer ${key}` } : undefined,
  });
  try {
    return await new Promise<unknown>((resolve) => {
      client.subscribe(
        { query },
        {
          next: (result) => resolve(result.errors?.[0]),
          error: (error) => resolve(Array.isArray(error) ? error[0] : error),
          complete: () => resolve(undefined),
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

describe('query size', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
  });

  // 5,000 aliased resolves: about 110,000 tokens and 600 KB, refused at the 50,000th token.
  const resolves = aliased(
    5000,
    `resolve(identifier: { type: "email", value: "size@example.org" }, useCase: "transactional") { contact { value } }`,
  );
  const refusedWhileParsing = {
    message: 'Syntax Error: Document contains more that 50000 tokens. Parsing aborted.',
    extensions: expect.objectContaining({ code: 'GRAPHQL_PARSE_FAILED' }),
  };

  it('refuses a document over the token limit over HTTP while parsing it', async () => {
    const startedAt = Date.now();
    const body = await api.gql(resolves);
    console.log(`5,000 aliased resolves (${resolves.length} bytes) refused in ${Date.now() - startedAt} ms`);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([expect.objectContaining(refusedWhileParsing)]);
  });

  it('refuses it over WebSocket too', async () => {
    expect(await firstWsError(api.wsUrl, resolves)).toEqual(expect.objectContaining(refusedWhileParsing));
  });

  it('honours MAX_QUERY_TOKENS', async () => {
    const strict = await startTestApi({ MAX_QUERY_TOKENS: '100' });
    try {
      const body = await strict.gql(aliased(50, '__typename'));
      expect(body.errors).toEqual([
        expect.objectContaining({
          message: 'Syntax Error: Document contains more that 100 tokens. Parsing aborted.',
        }),
      ]);
      expect((await strict.gql(aliased(20, '__typename'))).errors).toBeUndefined();
    } finally {
      await strict.close();
    }
  });
});

describe('API keys over WebSocket', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ API_KEYS: 'guard-reader=read' });
  });
  afterAll(async () => {
    await api.close();
  });

  it('closes a WebSocket whose connection_init carries no known key with 4401', async () => {
    const closed = (await firstWsError(api.wsUrl, '{ __typename }', 'not-a-key')) as {
      code: number;
      reason: string;
    };
    expect(closed.code).toBe(4401);
    expect(closed.reason).toMatch(/^Unauthorized: missing or unknown API key/);
  });

  it('accepts a WebSocket with a known key', async () => {
    expect(await firstWsError(api.wsUrl, '{ __typename }', 'guard-reader')).toBeUndefined();
  });
});
