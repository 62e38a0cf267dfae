// Defects found from outside (issue #7): consent that leaked across personas, a batch lost to one
// over-long value, and a failed read that answered "nobody" instead of saying the database failed.
import { gzipSync } from 'node:zlib';
import { authenticate } from '../../src/access/auth.js';
import { serviceUnavailable } from '../../src/errors.js';
import { createServices } from '../../src/services.js';
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { defineUseCase, ingest, persona, resolve } from '../helpers/operations.js';

let api: TestApi;
const tag = uniqueTag('defects');
const newsletter = `${tag}-newsletter`;

/** Two personas of one person (a shared loyalty card), each with its own email. */
function household(name: string) {
  const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 9, minute)).toISOString();
  const personaEvent = (which: 'a' | 'b', minute: number) => ({
    id: `${tag}-${name}-${which}-signup`,
    type: 'signup',
    occurredAt: at(minute),
    source: 'web',
    actor: {
      persona: { key: `${tag}:${name}:${which}`, context: 'PERSONAL' },
      identifiers: [
        { type: 'email', value: `${name}.${which}@${tag}.example` },
        { type: 'loyalty', value: `${tag}-${name}-card` },
      ],
      authenticated: true,
    },
  });
  const consent = (which: 'a' | 'b', minute: number, granted: boolean) => ({
    id: `${tag}-${name}-${which}-consent-${minute}`,
    type: 'preference_update',
    occurredAt: at(minute),
    source: 'web',
    actor: { persona: { key: `${tag}:${name}:${which}` } },
    consents: [{ purpose: 'news', channel: 'EMAIL', granted }],
  });
  return { personaEvent, consent, email: (which: 'a' | 'b') => `${name}.${which}@${tag}.example` };
}

beforeAll(async () => {
  api = await startTestApi();
  await defineUseCase(api, {
    name: newsletter,
    scope: 'PERSON',
    contactTypes: ['email'],
    consentPurpose: 'news',
  });
});
afterAll(async () => {
  await api.close();
});

describe('consent across the personas of one person', () => {
  it('does not contact a persona that withdrew because another persona granted later', async () => {
    const h = household('withdrew');
    await ingest(api, [h.personaEvent('a', 0), h.personaEvent('b', 1)]);
    await ingest(api, [h.consent('a', 2, true)]);
    await ingest(api, [h.consent('a', 3, false), h.consent('b', 4, true)]);

    const resolution = await resolve(api, { type: 'email', value: h.email('a') }, newsletter);
    expect(resolution.person).not.toBeNull();
    expect(resolution.contact).toEqual({ type: 'email', value: h.email('b') });
    expect(resolution.explanation).toContainEqual({
      rule: 'contact.consent',
      detail: expect.stringMatching(new RegExp(`^email ${h.email('a')} skipped: "news" on EMAIL withdrawn`)),
    });
  });

  it('does not suppress a persona that granted because another persona withdrew later', async () => {
    const h = household('granted');
    await ingest(api, [h.personaEvent('a', 0), h.personaEvent('b', 1)]);
    await ingest(api, [h.consent('b', 2, true)]);
    await ingest(api, [h.consent('a', 3, true), h.consent('b', 4, false)]);

    const resolution = await resolve(api, { type: 'email', value: h.email('a') }, newsletter);
    expect(resolution.contact).toEqual({ type: 'email', value: h.email('a') });
    expect(resolution.suppressions).toEqual([]);

    const fromB = await resolve(api, { type: 'email', value: h.email('b') }, newsletter);
    expect(fromB.contact).toEqual({ type: 'email', value: h.email('a') });
  });
});

describe('a batch with one over-long value', () => {
  it('lands every other event and rejects the long ones with their index', async () => {
    const long = 'x'.repeat(9_000);
    const event = (n: number, patch: Record<string, unknown> = {}) => ({
      id: `${tag}-long-${n}`,
      type: 'signup',
      occurredAt: new Date(Date.UTC(2026, 2, 2, 9, n)).toISOString(),
      source: 'web',
      actor: {
        persona: { key: `${tag}:long:${n}` },
        identifiers: [{ type: 'email', value: `long${n}@${tag}.example` }],
      },
      ...patch,
    });
    const result = await ingest(api, [
      event(0),
      event(1, {
        actor: {
          persona: { key: `${tag}:long:1` },
          identifiers: [{ type: 'email', value: `${long}@x.example` }],
        },
      }),
      event(2, { actor: { persona: { key: `${tag}:long:${long}` } } }),
      event(3, { id: `${tag}-${long}` }),
      event(4, { actor: { device: { id: long } } }),
      event(5, { campaign: long }),
      event(6),
    ]);
    expect(result.accepted).toBe(2);
    expect(result.rejected.map((r) => [r.index, r.code, r.message])).toEqual([
      [1, 'BAD_USER_INPUT', 'actor.identifiers[0]: value is longer than 1000 characters'],
      [2, 'BAD_USER_INPUT', 'actor.persona.key is longer than 1000 characters'],
      [3, 'BAD_USER_INPUT', 'id is longer than 1000 characters'],
      [4, 'BAD_USER_INPUT', 'actor.device.id is longer than 1000 characters'],
      [5, 'BAD_USER_INPUT', 'campaign is longer than 1000 characters'],
    ]);
    expect((await persona(api, `${tag}:long:0`)).identifiers).toEqual([
      { type: 'email', value: `long0@${tag}.example`, shared: false },
    ]);
    expect((await persona(api, `${tag}:long:6`)).identifiers).toEqual([
      { type: 'email', value: `long6@${tag}.example`, shared: false },
    ]);
  });
});

describe('a read that fails', () => {
  it('fails the resolution with SERVICE_UNAVAILABLE instead of answering that nobody can be contacted', async () => {
    const h = household('outage');
    await ingest(api, [h.personaEvent('a', 0), h.consent('a', 1, true)]);
    const useCase = `${tag}-outage`;
    await defineUseCase(api, { name: useCase, scope: 'PERSONA', contactTypes: ['email'] });
    expect((await resolve(api, { type: 'email', value: h.email('a') }, useCase)).contact).toEqual({
      type: 'email',
      value: h.email('a'),
    });

    // The policy and the registry are read; the one read of the resolution itself (gather) fails as
    // an outage would.
    const failed: string[] = [];
    const failing = api.db.graph.observedBy({
      onQuery(name) {
        if (name === 'resolution/gather') {
          failed.push(name);
          throw serviceUnavailable('The graph database is unavailable');
        }
      },
    });
    const { services } = createServices(failing, api.config, authenticate(api.config, undefined));
    await expect(
      services.resolution.resolve({ type: 'email', value: h.email('a') }, useCase),
    ).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
    expect(failed).toEqual(['resolution/gather']);
  });
});

describe('requests refused before they run', () => {
  it('refuses 2,000 aliased resolve fields with a clear error', async () => {
    const fields = Array.from(
      { length: 2_000 },
      (_, i) =>
        `r${i}: resolve(identifier: {type: "email", value: "a${i}@x.example"}, useCase: "${newsletter}") { confidence }`,
    );
    const body = await api.gql(`{ ${fields.join('\n')} }`);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      expect.objectContaining({
        message:
          'Query cost exceeds the limit of 1000 (each field costs 1, each root field 10, resolve and ingest 25): split the request',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      }),
    ]);
  });

  it('refuses 2,000 aliased identifier fields too', async () => {
    const fields = Array.from(
      { length: 2_000 },
      (_, i) => `i${i}: identifier(type: "email", value: "b${i}@x.example") { value }`,
    );
    const body = await api.gql(`{ ${fields.join('\n')} }`);
    expect(body.errors?.[0]?.message).toMatch(/^Query cost exceeds the limit of 1000/);
  });

  it('answers malformed JSON with a GraphQL-shaped 400', async () => {
    const response = await fetch(api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": "{ useCases { name } }"',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      errors: [{ message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }],
    });
  });

  it('answers an oversized body with a GraphQL-shaped 413', async () => {
    const response = await fetch(api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: '{ useCases { name } }',
        variables: { pad: 'x'.repeat(6 * 1024 * 1024) },
      }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      errors: [{ message: 'The request body is over the limit of 5mb', extensions: { code: 'BAD_REQUEST' } }],
    });
  });

  it('counts an oversized body sent without a length against the same limit', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(1024 * 1024));
    let sent = 0;
    // A stream has no Content-Length: the limit is enforced while reading.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 6) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await fetch(api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      errors: [{ message: 'The request body is over the limit of 5mb', extensions: { code: 'BAD_REQUEST' } }],
    });
  });

  it('reads a gzip-compressed request body', async () => {
    const response = await fetch(api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ query: '{ useCase(name: "no-such-use-case") { name } }' })),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: unknown }).data).toEqual({ useCase: null });
  });

  it('answers a missing or wrong API key with HTTP 401', async () => {
    const guarded = await startTestApi({ API_KEYS: 'right-key=read' });
    try {
      for (const authorization of [undefined, 'Bearer wrong-key']) {
        const response = await fetch(guarded.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          body: JSON.stringify({ query: '{ useCases { name } }' }),
        });
        expect(response.status).toBe(401);
        const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
        expect(body.errors.map((e) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
      }
      const allowed = await guarded.gql('{ useCases { name } }', {}, { key: 'right-key' });
      expect(allowed.errors).toBeUndefined();
    } finally {
      await guarded.close();
    }
  });
});
