// Webhooks through the GraphQL API and a real HTTP receiver: ordered, signed, retried with backoff,
// dead-lettered and replayed, resumed by another instance after a restart, admin only.
import assert from 'node:assert/strict';
import { maskedValue } from '../../src/access/masking.js';
import { isValidSignature } from '../../src/changes/webhooks.model.js';
import type { ChangeInput } from '../../src/outbox/outbox.model.js';
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { change, recordCommitted, sleep } from '../helpers/changes.js';
import { TestReceiver } from '../helpers/webhooks.js';

const secret = 'webhook-test-secret-0123456789';
/** How long a wait may take on a busy machine (a shared CI box runs several databases at once). */
const patienceMs = 90_000;
/** Per test: a few waits of that length. */
const testTimeoutMs = 240_000;

const DEFINE = /* GraphQL */ `
  mutation Define($input: WebhookInput!) {
    defineWebhook(input: $input) {
      id
      url
      types
      cursor
      failures
      pii
      maxAttempts
      deadLetters {
        cursor
      }
    }
  }
`;

const WEBHOOKS = /* GraphQL */ `
  query Webhooks {
    webhooks {
      id
      url
      types
      cursor
      lagSeconds
      failures
      lastError
      nextAttemptAt
      deliveredAt
      deadLetters {
        cursor
        type
        data
      }
    }
  }
`;

const REMOVE = /* GraphQL */ `
  mutation Remove($id: ID!) {
    removeWebhook(id: $id)
  }
`;

const REPLAY = /* GraphQL */ `
  mutation Replay($id: ID!) {
    replayDeadLetters(id: $id)
  }
`;

interface WebhookView {
  id: string;
  url: string;
  types: string[];
  cursor: string | null;
  lagSeconds: number;
  failures: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  deadLetters: { cursor: string; type: string; data: { tag?: string; n?: number } }[];
}

async function defineWebhook(api: TestApi, input: Record<string, unknown>): Promise<string> {
  const body = await api.gql<{ defineWebhook: { id: string } }>(DEFINE, { input: { secret, ...input } });
  expect(body.errors).toBeUndefined();
  return body.data!.defineWebhook.id;
}

async function webhook(api: TestApi, id: string): Promise<WebhookView> {
  const body = await api.gql<{ webhooks: WebhookView[] }>(WEBHOOKS);
  expect(body.errors).toBeUndefined();
  const found = body.data!.webhooks.find((w) => w.id === id);
  assert(found, `webhook ${id} is not listed`);
  return found;
}

/** Polls the webhooks query until the webhook is in the state the predicate wants. */
async function waitForWebhook(
  api: TestApi,
  id: string,
  predicate: (w: WebhookView) => boolean,
  what: string,
): Promise<WebhookView> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    const view = await webhook(api, id);
    if (predicate(view)) return view;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(view)}`);
    await sleep(50);
  }
}

async function remove(api: TestApi, id: string): Promise<boolean | undefined> {
  const body = await api.gql<{ removeWebhook: boolean }>(REMOVE, { id });
  return body.data?.removeWebhook;
}

/** n tagged changes, recorded in transactions of `perTx`. */
async function recordTagged(api: TestApi, tag: string, count: number, perTx = 10, type: ChangeInput['type']) {
  for (let first = 0; first < count; first += perTx) {
    const batch = Array.from({ length: Math.min(perTx, count - first) }, (_, i) =>
      change(tag, first + i, `${tag}-persona`, type),
    );
    await recordCommitted(api.db.graph, batch);
  }
}

const numbers = (changes: { data: unknown }[]) => changes.map((c) => (c.data as { n: number }).n);
const range = (count: number) => Array.from({ length: count }, (_, i) => i);

describe('webhooks', () => {
  let api: TestApi;
  beforeAll(async () => {
    // Retries fast, so a receiver's failures cost milliseconds here.
    api = await startTestApi({
      WEBHOOK_RETRY_BASE_MS: '20',
      WEBHOOK_RETRY_MAX_MS: '200',
      WEBHOOK_BATCH_SIZE: '20',
    });
  });
  afterAll(async () => {
    await api.close();
  });

  it(
    'delivers every change once, in order and signed, to a receiver that fails three times first',
    async () => {
      const tag = uniqueTag('wh-retry');
      const receiver = await TestReceiver.start((n) => (n <= 3 ? 500 : 200));
      const id = await defineWebhook(api, { url: receiver.url, types: ['PERSONA_UPDATED'] });
      // What the service logs (the deliverer writes to standard error), to see each failure reported.
      const logged: string[] = [];
      const logError = console.error;
      console.error = (...args: unknown[]) => void logged.push(args.map(String).join(' '));
      try {
        await recordTagged(api, tag, 45, 15, 'PERSONA_UPDATED');
        await receiver.waitForAcknowledged(tag, 45, patienceMs);

        expect(numbers(receiver.acknowledged(tag))).toEqual(range(45));
        const cursors = receiver.acknowledged(tag).map((c) => Number(c.cursor));
        expect([...cursors].sort((a, b) => a - b)).toEqual(cursors);
        expect(receiver.allSignedWith(secret)).toBe(true);
        expect(receiver.requests.every((r) => r.webhookId === id)).toBe(true);
        // The three failures and the success that followed carried the very same batch.
        expect(receiver.requests.slice(0, 4).map((r) => r.status)).toEqual([500, 500, 500, 200]);
        expect(new Set(receiver.requests.slice(0, 4).map((r) => r.body)).size).toBe(1);
        expect(receiver.requests[0]!.changes.length).toBeLessThanOrEqual(20);

        const state = await waitForWebhook(
          api,
          id,
          (w) => w.cursor === String(cursors[cursors.length - 1]),
          'the cursor',
        );
        expect(state).toMatchObject({ failures: 0, lastError: null, nextAttemptAt: null, deadLetters: [] });
        expect(state.deliveredAt).toEqual(expect.any(String));
        const batch = receiver.requests[0]!.changes.length;
        expect(logged.filter((line) => line.startsWith(`webhook ${id}:`))).toEqual(
          [1, 2, 3].map((attempt) =>
            expect.stringMatching(
              new RegExp(
                `^webhook ${id}: delivering ${batch} change\\(s\\) failed \\(HTTP 500\\); attempt ${attempt} of 12, next in \\d+ s$`,
              ),
            ),
          ),
        );
      } finally {
        console.error = logError;
        await remove(api, id);
        await receiver.close();
      }
    },
    testTimeoutMs,
  );

  it(
    'sends the change fields a subscriber gets, with a signature a receiver can check',
    async () => {
      const tag = uniqueTag('wh-shape');
      const receiver = await TestReceiver.start();
      const id = await defineWebhook(api, { url: receiver.url, types: ['CONSENT_RECORDED'] });
      try {
        await recordCommitted(api.db.graph, [change(tag, 0, `${tag}-persona`, 'CONSENT_RECORDED')]);
        await receiver.waitForAcknowledged(tag, 1, patienceMs);
        const [request] = receiver.requests.filter((r) => r.body.includes(tag));
        assert(request);
        const body = JSON.parse(request.body) as { changes: { data: { tag?: string } }[] };
        expect(Object.keys(body)).toEqual(['changes']);
        expect(body.changes.find((c) => c.data?.tag === tag)).toEqual({
          cursor: expect.stringMatching(/^\d+$/),
          type: 'CONSENT_RECORDED',
          at: expect.any(String),
          personaIds: [`${tag}-persona`],
          personIds: [`${tag}-person`],
          data: { tag, n: 0 },
        });
        expect(request.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
        expect(isValidSignature(request.body, secret, request.signature)).toBe(true);
        expect(isValidSignature(request.body, 'another-secret-of-length', request.signature)).toBe(false);
      } finally {
        await remove(api, id);
        await receiver.close();
      }
    },
    testTimeoutMs,
  );

  it(
    'masks identifier values unless the webhook was defined with pii',
    async () => {
      const tag = uniqueTag('wh-pii');
      const receiver = await TestReceiver.start();
      const masked = await defineWebhook(api, { url: receiver.url, types: ['IDENTIFIER_ATTACHED'] });
      const clear = await defineWebhook(api, {
        url: receiver.url,
        types: ['IDENTIFIER_ATTACHED'],
        pii: true,
      });
      try {
        await recordCommitted(api.db.graph, [
          {
            type: 'IDENTIFIER_ATTACHED',
            personaIds: [`${tag}-persona`],
            personIds: [],
            data: { tag, n: 0, type: 'email', value: 'anne@webhooks.test.example' },
          },
        ]);
        await receiver.waitForAcknowledged(tag, 2, patienceMs);
        const byWebhook = (id: string) =>
          receiver.requests.filter((r) => r.webhookId === id).flatMap((r) => r.changes.filter((c) => c.data));
        const data = (id: string) =>
          byWebhook(id).find((c) => (c.data as { tag?: string }).tag === tag)?.data;
        expect(data(masked)).toEqual({ tag, n: 0, type: 'email', value: maskedValue, masked: true });
        expect(data(clear)).toEqual({ tag, n: 0, type: 'email', value: 'anne@webhooks.test.example' });
      } finally {
        await remove(api, masked);
        await remove(api, clear);
        await receiver.close();
      }
    },
    testTimeoutMs,
  );

  it(
    'reports lag, failures and the last error while the receiver is down, and removes the webhook',
    async () => {
      const tag = uniqueTag('wh-down');
      const receiver = await TestReceiver.start(() => 500);
      // A minute before the second attempt: the state after the first failure holds still.
      const slow = await startTestApi({ WEBHOOK_RETRY_BASE_MS: '60000' });
      const id = await defineWebhook(slow, { url: receiver.url, types: ['PERSON_SPLIT'] });
      try {
        await recordCommitted(slow.db.graph, [change(tag, 0, `${tag}-persona`, 'PERSON_SPLIT')]);
        const state = await waitForWebhook(slow, id, (w) => w.failures >= 1, 'a failure');
        expect(state).toMatchObject({ cursor: null, failures: 1, lastError: 'HTTP 500', deadLetters: [] });
        expect(state.nextAttemptAt).toEqual(expect.any(String));
        expect(state.lagSeconds).toBeGreaterThan(0);

        expect(await remove(slow, id)).toBe(true);
        expect(await remove(slow, id)).toBe(false);
        const listed = await slow.gql<{ webhooks: { id: string }[] }>(WEBHOOKS);
        expect(listed.data?.webhooks.map((w) => w.id)).not.toContain(id);
      } finally {
        await remove(slow, id);
        await slow.close();
        await receiver.close();
      }
    },
    testTimeoutMs,
  );

  it(
    'turns a batch into dead letters after N failures, and replays them on request',
    async () => {
      const tag = uniqueTag('wh-dead');
      let isUp = false;
      const receiver = await TestReceiver.start(() => (isUp ? 200 : 503));
      const strict = await startTestApi({ WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_RETRY_BASE_MS: '10' });
      const id = await defineWebhook(strict, { url: receiver.url, types: ['PERSON_ERASED'] });
      try {
        await recordTagged(strict, tag, 5, 5, 'PERSON_ERASED');
        const dead = await waitForWebhook(
          strict,
          id,
          // Both, as they are two reads: the dead letters and the failure are written together.
          (w) => w.deadLetters.filter((c) => c.data?.tag === tag).length === 5 && w.failures >= 3,
          'five dead letters',
        );
        expect(dead.deadLetters.filter((c) => c.data?.tag === tag).map((c) => c.data.n)).toEqual(range(5));
        expect(dead).toMatchObject({ cursor: null, lastError: 'HTTP 503' });
        expect(dead.failures).toBeGreaterThanOrEqual(3);
        // Three attempts, then no more: the batch was given up on.
        expect(receiver.received(tag).length).toBe(15);
        expect(receiver.acknowledged(tag)).toEqual([]);

        isUp = true;
        const replay = await strict.gql<{ replayDeadLetters: number }>(REPLAY, { id });
        expect(replay.errors).toBeUndefined();
        expect(replay.data?.replayDeadLetters).toBeGreaterThanOrEqual(5);
        await receiver.waitForAcknowledged(tag, 5, patienceMs);
        expect(numbers(receiver.acknowledged(tag))).toEqual(range(5));
        expect(receiver.allSignedWith(secret)).toBe(true);
        const after = await waitForWebhook(
          strict,
          id,
          (w) => !w.deadLetters.some((c) => c.data?.tag === tag) && w.failures === 0,
          'the replayed dead letters to go',
        );
        expect(after.lastError).toBeNull();
      } finally {
        await remove(strict, id);
        await strict.close();
        await receiver.close();
      }
    },
    testTimeoutMs,
  );

  it(
    'resumes after a restart on the same database, losing and repeating nothing',
    async () => {
      const tag = uniqueTag('wh-restart');
      // Slow answers, so a POST is under way when the first instance stops.
      const receiver = await TestReceiver.start(() => ({ status: 200, delayMs: 50 }));
      const first = await startTestApi({ WEBHOOK_BATCH_SIZE: '10' });
      const id = await defineWebhook(first, { url: receiver.url, types: ['PERSONA_CREATED'] });
      let second: TestApi | undefined;
      try {
        await recordTagged(first, tag, 100, 50, 'PERSONA_CREATED');
        await receiver.waitForAcknowledged(tag, 20, patienceMs);
        await first.close();
        const deliveredBeforeRestart = receiver.acknowledged(tag).length;
        expect(deliveredBeforeRestart).toBeLessThan(100);

        second = await startTestApi({ WEBHOOK_BATCH_SIZE: '10' });
        await receiver.waitForAcknowledged(tag, 100, patienceMs);
        expect(numbers(receiver.acknowledged(tag))).toEqual(range(100));
        expect(receiver.received(tag).length).toBe(100);
        expect(receiver.allSignedWith(secret)).toBe(true);
      } finally {
        if (second) {
          await remove(second, id);
          await second.close();
        }
        await receiver.close();
      }
    },
    testTimeoutMs,
  );

  it('accepts only http(s) URLs and secrets of 16 characters or more', async () => {
    const badUrl = await api.gql(DEFINE, { input: { url: 'ftp://example.test/hook', secret } });
    expect(badUrl.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.url' });
    const notUrl = await api.gql(DEFINE, { input: { url: 'hook', secret } });
    expect(notUrl.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.url' });
    const shortSecret = await api.gql(DEFINE, { input: { url: 'http://127.0.0.1:9/hook', secret: 'short' } });
    expect(shortSecret.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'input.secret',
    });
    const ahead = await api.gql(DEFINE, {
      input: { url: 'http://127.0.0.1:9/hook', secret, after: '999999999999' },
    });
    expect(ahead.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CURSOR_AHEAD' });
  });

  it('never returns a secret: the Webhook type has no such field', async () => {
    const body = await api.gql('{ webhooks { id secret } }');
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('webhooks and roles', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ API_KEYS: 'wh-admin=admin,wh-sub=subscribe+read+pii+write' });
  });
  afterAll(async () => {
    await api.close();
  });

  it('refuses every webhook operation to a caller without the admin role', async () => {
    const input = { url: 'http://127.0.0.1:9/hook', secret };
    const asSubscriber = { key: 'wh-sub' };
    for (const [query, variables] of [
      [DEFINE, { input }],
      [WEBHOOKS, {}],
      [REMOVE, { id: 'x' }],
      [REPLAY, { id: 'x' }],
    ] as const) {
      const refused = await api.gql(query, variables, asSubscriber);
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const anonymous = await api.gql(query, variables);
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('lets an admin define, list and remove a webhook, and says NOT_FOUND for a replay of none', async () => {
    const asAdmin = { key: 'wh-admin' };
    const defined = await api.gql<{ defineWebhook: { id: string; types: string[]; cursor: string | null } }>(
      DEFINE,
      { input: { url: 'http://127.0.0.1:9/hook', secret, types: ['PERSON_GROUPED', 'PERSON_GROUPED'] } },
      asAdmin,
    );
    expect(defined.errors).toBeUndefined();
    const id = defined.data!.defineWebhook.id;
    expect(defined.data!.defineWebhook).toMatchObject({ types: ['PERSON_GROUPED'], cursor: null });
    const replay = await api.gql(REPLAY, { id: 'no-such-webhook' }, asAdmin);
    expect(replay.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const removed = await api.gql<{ removeWebhook: boolean }>(REMOVE, { id }, asAdmin);
    expect(removed.data?.removeWebhook).toBe(true);
  });
});
