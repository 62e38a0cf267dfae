// Several API instances on one database: each delivers every change to its own subscribers,
// whichever instance wrote it; a subscriber that resumes on another instance loses nothing.
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import {
  change,
  changesSubscription,
  expectIncreasingCursors,
  profileChangedSubscription,
  recordCommitted,
  TestSubscriber,
} from '../helpers/changes.js';
import { dataOf, ingest } from '../helpers/operations.js';
import { hasRedisServer, startRedis, type TestRedis } from '../helpers/redis.js';

const fastPoll = { CHANGE_POLL_MS: '50' };

async function latestCursor(api: TestApi): Promise<string> {
  return dataOf(await api.gql<{ latestChangeCursor: string }>('{ latestChangeCursor }')).latestChangeCursor;
}

describe('the change feed on two instances sharing one database', () => {
  let writer: TestApi;
  let reader: TestApi;
  const subscribers: TestSubscriber[] = [];
  const subscribe = (api: TestApi, query: string, variables: Record<string, unknown>) => {
    const subscriber = new TestSubscriber(api.wsUrl, query, variables);
    subscribers.push(subscriber);
    return subscriber;
  };

  beforeAll(async () => {
    [writer, reader] = await Promise.all([startTestApi(fastPoll), startTestApi(fastPoll)]);
  });
  afterAll(async () => {
    await Promise.all(subscribers.map((s) => s.close()));
    await Promise.all([writer?.close(), reader?.close()]);
  });

  it('delivers the changes of a real ingest on one instance to subscribers of the other', async () => {
    const tag = uniqueTag('ingest');
    const start = await latestCursor(reader);
    const everything = subscribe(reader, changesSubscription, {
      after: start,
      types: ['PERSONA_CREATED', 'IDENTIFIER_ATTACHED', 'FACT_RECORDED'],
    });
    const key = `${tag}:shop:ada`;
    const event = (id: string, extra: Record<string, unknown>) => ({
      id: `${tag}-${id}`,
      type: 'signup',
      occurredAt: new Date().toISOString(),
      source: 'web',
      actor: {
        persona: { key, context: 'PERSONAL' },
        identifiers: [{ type: 'email', value: `ada@${tag}.example` }],
        authenticated: true,
      },
      ...extra,
    });

    expect(await ingest(writer, [event('signup', {})])).toMatchObject({ accepted: 1, rejected: [] });
    const personaId = dataOf(
      await writer.gql<{ persona: { id: string } }>('query ($key: String!) { persona(key: $key) { id } }', {
        key,
      }),
    ).persona.id;
    const mine = () => everything.changes.filter((c) => c.personaIds.includes(personaId));
    await everything.waitUntil(() => mine().length >= 2, 'the signup changes');
    expect(mine().map((c) => c.type)).toEqual(
      expect.arrayContaining(['PERSONA_CREATED', 'IDENTIFIER_ATTACHED']),
    );

    // The persona's own subscription replays those, then receives a fact recorded later, live.
    const profile = subscribe(reader, profileChangedSubscription, { personaId, after: start });
    await profile.waitUntil(() => profile.changes.length >= 2, 'the persona replay');
    await ingest(writer, [
      event('fact', { type: 'profile_update', facts: [{ key: 'shoe_size', value: 38 }] }),
    ]);
    await profile.waitUntil(() => profile.changes.some((c) => c.type === 'FACT_RECORDED'), 'the fact, live');

    expect(profile.changes.every((c) => c.personaIds.includes(personaId))).toBe(true);
    expectIncreasingCursors(profile.changes);
  });

  it('resumes a subscriber that missed 1,000 changes written by another instance: all of them in order, then live ones, no duplicate', async () => {
    const tag = uniqueTag('resume');
    const first = subscribe(reader, changesSubscription, { after: await latestCursor(reader) });
    for (let n = 0; n < 3; n++) await recordCommitted(writer.db.graph, [change(tag, n)]);
    await first.waitForTagged(tag, 3);
    const lastCursor = first.tagged(tag)[2]!.cursor;
    await first.close();

    // While it is away, the other instance writes 1,000 changes, in transactions of 20.
    for (let n = 3; n < 1003; n += 20) {
      await recordCommitted(
        writer.db.graph,
        Array.from({ length: 20 }, (_, i) => change(tag, n + i)),
      );
    }

    const resumed = subscribe(reader, changesSubscription, { after: lastCursor });
    await resumed.waitForTagged(tag, 1000, 30_000);
    for (let n = 1003; n < 1013; n++) await recordCommitted(writer.db.graph, [change(tag, n)]);
    await resumed.waitForTagged(tag, 1010);

    const received = resumed.tagged(tag).map((c) => c.data.n);
    expect(received).toEqual(Array.from({ length: 1010 }, (_, i) => i + 3));
    expectIncreasingCursors(resumed.changes);
  });

  it('delivers a change to subscribers on both instances whichever instance wrote it', async () => {
    const tag = uniqueTag('both');
    const start = await latestCursor(writer);
    const onWriter = subscribe(writer, changesSubscription, { after: start });
    const onReader = subscribe(reader, changesSubscription, { after: start });
    await recordCommitted(writer.db.graph, [change(tag, 0)]);
    await recordCommitted(reader.db.graph, [change(tag, 1)]);

    await Promise.all([onWriter.waitForTagged(tag, 2), onReader.waitForTagged(tag, 2)]);

    expect(onWriter.tagged(tag).map((c) => c.cursor)).toEqual(onReader.tagged(tag).map((c) => c.cursor));
  });
});

(hasRedisServer ? describe : describe.skip)(
  'the change feed with Redis wake-ups (needs redis-server)',
  () => {
    let redis: TestRedis;
    let writer: TestApi;
    let reader: TestApi;
    let subscriber: TestSubscriber | undefined;

    beforeAll(async () => {
      redis = await startRedis();
      // Polls so rare that only a wake-up can explain a delivery within seconds.
      const env = { CHANGE_POLL_MS: '600000', REDIS_URL: redis.url };
      [writer, reader] = await Promise.all([startTestApi(env), startTestApi(env)]);
    });
    afterAll(async () => {
      await subscriber?.close();
      await Promise.all([writer?.close(), reader?.close()]);
      await redis?.stop();
    });

    it('wakes the other instance through Redis instead of waiting for its next poll', async () => {
      const tag = uniqueTag('redis');
      subscriber = new TestSubscriber(reader.wsUrl, changesSubscription, {
        after: await latestCursor(reader),
      });
      for (let n = 0; n < 5; n++) await recordCommitted(writer.db.graph, [change(tag, n)]);

      await subscriber.waitForTagged(tag, 5, 5_000);

      expect(subscriber.tagged(tag).map((c) => c.data.n)).toEqual([0, 1, 2, 3, 4]);
    });
  },
);
