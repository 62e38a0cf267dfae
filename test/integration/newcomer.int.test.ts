// Found by a new user following the README (issue #28): a health probe needs no key, a wrong key is
// told apart from a missing one, and an over-long identifier is not echoed back whole.
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { defineUseCase, resolve } from '../helpers/operations.js';

let guarded: TestApi;
const tag = uniqueTag('newcomer');

beforeAll(async () => {
  guarded = await startTestApi({ API_KEYS: `${tag}-admin=admin` });
});
afterAll(async () => {
  await guarded.close();
});

async function post(query: string, authorization?: string) {
  const response = await fetch(guarded.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      data?: unknown;
      errors?: { message: string; extensions: { code: string } }[];
    },
  };
}

describe('with API keys configured', () => {
  it('answers a health probe without a key, over POST and GET', async () => {
    const probe = await post('{ health { ok } }');
    expect([probe.status, probe.body.data]).toEqual([200, { health: { ok: true } }]);
    const get = await fetch(
      `${guarded.url}?query=${encodeURIComponent('query Probe { health { ok } __typename }')}`,
      // Apollo's CSRF prevention asks a GET for a header a browser's simple request cannot send.
      { headers: { 'apollo-require-preflight': 'true' } },
    );
    expect(get.status).toBe(200);
    expect(((await get.json()) as { data: unknown }).data).toEqual({
      health: { ok: true },
      __typename: 'Query',
    });
  });

  it('still refuses anything beside health without a key, with 401', async () => {
    const mixed = await post('{ health { ok } useCases { name } }');
    expect(mixed.status).toBe(401);
    expect(mixed.body.errors?.map((e) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
    const aliased = await post('mutation { health: ingest(events: []) { accepted } }');
    expect(aliased.status).toBe(401);
  });

  it('tells a wrong key apart from a missing one', async () => {
    const missing = await post('{ useCases { name } }');
    const wrong = await post('{ useCases { name } }', `Bearer ${tag}-typo`);
    expect([missing.status, wrong.status]).toEqual([401, 401]);
    expect(missing.body.errors?.[0]?.message).toBe('Send Authorization: Bearer <api key>');
    expect(wrong.body.errors?.[0]?.message).toBe('The API key sent is not known (a typo, or a revoked key?)');
  });
});

describe('an over-long identifier', () => {
  it('is cut in the suppression message, with its length', async () => {
    // The helpers as an administrator calls them: every request with the key.
    const admin: TestApi = {
      ...guarded,
      gql: (query, variables) => guarded.gql(query, variables, { key: `${tag}-admin` }),
    };
    const useCase = `${tag}-reminder`;
    await defineUseCase(admin, { name: useCase, scope: 'IDENTIFIER', contactTypes: ['account'] });
    const value = `${tag}-${'x'.repeat(5000)}`;
    const answer = await resolve(admin, { type: 'account', value }, useCase);
    expect(answer.suppressions).toEqual([
      {
        code: 'UNKNOWN_IDENTIFIER',
        message: `account ${value.slice(0, 80)}… (${value.length} characters) is not known`,
      },
    ]);
  });
});
