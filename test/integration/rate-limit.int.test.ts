// Rate limits per caller: each API key has its own token bucket, shared by its HTTP requests and
// WebSocket operations; a caller over its limit is told when to retry, others are unaffected.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestApi, type TestApi } from '../helpers/api.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({
    API_KEYS: 'rl-http=read,rl-other=read,rl-ws=read',
    RATE_LIMIT_PER_MINUTE: '1',
    RATE_LIMIT_BURST: '2',
  });
});

afterAll(async () => {
  await api.close();
});

function post(key: string): Promise<Response> {
  return fetch(api.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
}

/** Runs one operation over an open graphql-ws client: its data, or the errors it failed with. */
function runOverWs(client: Client): Promise<{ data?: unknown; errors?: unknown[] }> {
  return new Promise((resolve) => {
    let outcome: { data?: unknown; errors?: unknown[] } = {};
    client.subscribe(
      { query: '{ __typename }' },
      {
        next: (result) => {
          outcome = { data: result.data, errors: result.errors as unknown[] | undefined };
        },
        error: (error) => resolve({ errors: Array.isArray(error) ? error : [error] }),
        complete: () => resolve(outcome),
      },
    );
  });
}

describe('rate limits per API key', () => {
  it('answers 429 with Retry-After and RATE_LIMITED once a key spent its burst over HTTP', async () => {
    expect((await post('rl-http')).status).toBe(200);
    expect((await post('rl-http')).status).toBe(200);
    const refused = await post('rl-http');
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    // One token a minute: the next one is back within the minute.
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await refused.json()).toEqual({
      errors: [
        {
          message: `Rate limit exceeded: retry in ${retryAfter} s`,
          extensions: { code: 'RATE_LIMITED', retryAfter },
        },
      ],
    });
  });

  it('keeps every other key within its own limit', async () => {
    const response = await post('rl-other');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ data: { __typename: 'Query' } });
  });

  it('fails a WebSocket operation over the limit with RATE_LIMITED and retryAfter', async () => {
    const client = createClient({
      url: api.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: 'Bearer rl-ws' },
    });
    try {
      expect(await runOverWs(client)).toEqual({ data: { __typename: 'Query' }, errors: undefined });
      expect(await runOverWs(client)).toEqual({ data: { __typename: 'Query' }, errors: undefined });
      const refused = await runOverWs(client);
      expect(refused.errors).toHaveLength(1);
      const error = refused.errors![0] as {
        message: string;
        extensions: { code: string; retryAfter: number };
      };
      expect(error.extensions.code).toBe('RATE_LIMITED');
      expect(error.extensions.retryAfter).toBeGreaterThanOrEqual(1);
      expect(error.extensions.retryAfter).toBeLessThanOrEqual(60);
      expect(error.message).toBe(`Rate limit exceeded: retry in ${error.extensions.retryAfter} s`);
    } finally {
      await client.dispose();
    }
  });
});
