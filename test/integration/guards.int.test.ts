// What the service refuses before any operation runs: a document with more tokens than the limit
// (while parsing, over HTTP and WebSocket), a WebSocket without a valid API key, a caller over its
// rate, and a JWT that does not verify.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from 'graphql-ws';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
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
    expect(closed.reason).toMatch(/^Unauthorized: The API key sent is not known/);
  });

  it('accepts a WebSocket with a known key', async () => {
    expect(await firstWsError(api.wsUrl, '{ __typename }', 'guard-reader')).toBeUndefined();
  });
});

describe('rate limits per caller', () => {
  let api: TestApi;
  beforeAll(async () => {
    // One request a minute after a burst of two: the third is over the limit for a whole minute.
    api = await startTestApi({
      API_KEYS: 'busy-key=read+subscribe,calm-key=read',
      RATE_LIMIT_PER_MINUTE: '1',
      RATE_LIMIT_BURST: '2',
    });
  });
  afterAll(async () => {
    await api.close();
  });

  const post = (key: string) =>
    fetch(api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });

  it('answers 429 with Retry-After once a key is over its rate, and leaves other keys alone', async () => {
    expect((await post('busy-key')).status).toBe(200);
    expect((await post('busy-key')).status).toBe(200);
    const refused = await post('busy-key');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(await refused.json()).toEqual({
      errors: [
        {
          message: 'Over the limit of 1 requests per minute for this caller; retry after 60 s',
          extensions: { code: 'RATE_LIMITED', retryAfter: 60 },
        },
      ],
    });
    expect((await post('calm-key')).status).toBe(200);
  });

  it('refuses an operation over WebSocket with a RATE_LIMITED error once the key is over its rate', async () => {
    expect(await firstWsError(api.wsUrl, '{ __typename }', 'busy-key')).toEqual(
      expect.objectContaining({
        message: 'Over the limit of 1 requests per minute for this caller; retry after 60 s',
        extensions: { code: 'RATE_LIMITED', retryAfter: 60 },
      }),
    );
  });
});

describe('JWT bearer tokens beside API keys', () => {
  let api: TestApi;
  let jwks: http.Server;
  let privateKey: Parameters<SignJWT['sign']>[0];
  const sign = (
    claims: Record<string, unknown>,
    options: { key?: Parameters<SignJWT['sign']>[0]; expires?: string } = {},
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setIssuer('idgraph-test')
      .setSubject('ada@frontend.example')
      .setIssuedAt()
      .setExpirationTime(options.expires ?? '5m')
      .sign(options.key ?? privateKey);

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
    jwks = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const { port } = jwks.address() as AddressInfo;
    api = await startTestApi({
      API_KEYS: 'jwt-suite-admin=admin',
      JWT_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      JWT_ISSUER: 'idgraph-test',
    });
  });
  afterAll(async () => {
    await api.close();
    await new Promise((resolve) => jwks.close(resolve));
  });

  it('grants the roles of the token’s claim, and refuses what they do not allow', async () => {
    const reader = await sign({ roles: ['read'] });
    expect((await api.gql('{ useCases { name } }', {}, { key: reader })).errors).toBeUndefined();
    const write = await api.gql(
      'mutation { defineUseCase(input: { name: "jwt-denied", scope: PERSON }) { name } }',
      {},
      { key: reader },
    );
    expect(write.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  it('refuses an expired token and one signed by another key with 401 and the reason', async () => {
    const post = (token: string) =>
      fetch(api.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
    const expired = await post(await sign({ roles: ['read'] }, { expires: '-1m' }));
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { errors: { message: string }[] }).errors[0]!.message).toBe(
      'The token has expired',
    );
    const stranger = await post(
      await sign({ roles: ['admin'] }, { key: (await generateKeyPair('RS256')).privateKey }),
    );
    expect(stranger.status).toBe(401);
    expect(((await stranger.json()) as { errors: { message: string }[] }).errors[0]!.message).toBe(
      'The token could not be verified',
    );
  });

  it('still accepts the API keys', async () => {
    expect((await api.gql('{ useCases { name } }', {}, { key: 'jwt-suite-admin' })).errors).toBeUndefined();
  });

  it('authenticates a WebSocket in connection_init, and closes one with a bad token with 4401', async () => {
    expect(
      await firstWsError(api.wsUrl, '{ __typename }', await sign({ roles: ['subscribe'] })),
    ).toBeUndefined();
    const closed = (await firstWsError(
      api.wsUrl,
      '{ __typename }',
      await sign({ roles: ['subscribe'] }, { expires: '-1m' }),
    )) as { code: number; reason: string };
    expect(closed.code).toBe(4401);
    expect(closed.reason).toMatch(/^Unauthorized: The token has expired/);
  });
});
