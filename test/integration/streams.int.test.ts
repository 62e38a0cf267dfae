// Kafka out and in against a real single-node Kafka (test/helpers/kafka.ts): every change published
// in feed order with its key and headers, events consumed and stored once, rejected ones dead-lettered,
// and nothing lost when the broker or the service dies in the middle.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { maskedValue } from '../../src/access/masking.js';
import { projectRoot } from '../../src/config.js';
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { readTopic, startKafka, type TestKafka, type TopicMessage } from '../helpers/kafka.js';
import { ingest as ingestEvents, signupEvent } from '../helpers/operations.js';

const tag = uniqueTag('streams');
const changesTopic = `${tag}.changes`;
const eventsTopic = `${tag}.events`;
const deadLetterTopic = `${tag}.rejected`;
const group = `${tag}-ingest`;

let kafka: TestKafka;
let api: TestApi;

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 9, 0, second)).toISOString();

const signup = (id: string, personaKey: string, email: string, second = 0) =>
  signupEvent(id, personaKey, [{ type: 'email', value: email }], at(second));

/** Ingests through the API; every event is accepted. */
async function ingest(events: unknown[]): Promise<void> {
  expect((await ingestEvents(api, events)).rejected).toEqual([]);
}

async function latestCursor(): Promise<number> {
  const body = await api.gql<{ latestChangeCursor: string }>('{ latestChangeCursor }');
  return Number(body.data!.latestChangeCursor);
}

interface StreamsView {
  changes: { topic: string; cursor: string | null; lagSeconds: number; published: number } | null;
  events: { topic: string; group: string; lag: number | null; consumed: number; rejected: number } | null;
}

async function streams(on: TestApi = api): Promise<StreamsView> {
  const body = await on.gql<{ streams: StreamsView }>(/* GraphQL */ `
    {
      streams {
        changes {
          topic
          cursor
          lagSeconds
          published
        }
        events {
          topic
          group
          lag
          consumed
          rejected
        }
      }
    }
  `);
  expect(body.errors).toBeUndefined();
  return body.data!.streams;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await sleep(200);
  }
}

/** Waits until the publisher's cursor reached `cursor`. */
function publishedThrough(cursor: number, timeoutMs = 60_000): Promise<StreamsView> {
  return waitFor(
    `the publisher to reach cursor ${cursor}`,
    async () => {
      const view = await streams();
      return Number(view.changes?.cursor ?? 0) >= cursor ? view : undefined;
    },
    timeoutMs,
  );
}

const header = (message: TopicMessage, name: string) => message.headers.get(name);
const cursorOf = (message: TopicMessage) => Number(header(message, 'idgraph-cursor'));

/** The changes topic's messages with cursors in (after, through]. */
async function publishedBetween(after: number, through: number): Promise<TopicMessage[]> {
  const messages = await readTopic(kafka.bootstrap, changesTopic, (read) =>
    read.some((m) => cursorOf(m) >= through),
  );
  return messages.filter((m) => cursorOf(m) > after && cursorOf(m) <= through);
}

/** Every cursor in (after, through] present; a cursor seen twice carries the same change both times. */
function expectCompleteAndConsistent(messages: TopicMessage[], after: number, through: number): void {
  const byCursor = new Map<number, string>();
  for (const message of messages) {
    const seen = byCursor.get(cursorOf(message));
    if (seen !== undefined) expect(message.value).toBe(seen);
    byCursor.set(cursorOf(message), message.value);
  }
  const missing = [];
  for (let cursor = after + 1; cursor <= through; cursor++) if (!byCursor.has(cursor)) missing.push(cursor);
  expect(missing).toEqual([]);
}

async function produce(messages: { key?: string; value: string }[], topic = eventsTopic): Promise<void> {
  const producer = new Producer({
    clientId: 'test-producer',
    bootstrapBrokers: [kafka.bootstrap],
    serializers: stringSerializers,
    autocreateTopics: true,
  });
  try {
    await producer.send({ messages: messages.map((m) => ({ topic, ...m })) });
  } finally {
    await producer.close();
  }
}

/** Events stored for each persona key, by id. */
async function storedEventIds(keys: string[]): Promise<Map<string, string[]>> {
  const fields = keys
    .map((key, i) => `p${i}: persona(key: "${key}") { events(first: 100) { edges { node { id } } } }`)
    .join('\n');
  const body = await api.gql<Record<string, { events: { edges: { node: { id: string } }[] } } | null>>(
    `{ ${fields} }`,
  );
  expect(body.errors).toBeUndefined();
  return new Map(keys.map((key, i) => [key, body.data![`p${i}`]?.events.edges.map((e) => e.node.id) ?? []]));
}

beforeAll(async () => {
  kafka = await startKafka();
  api = await startTestApi({
    KAFKA_BROKERS: kafka.bootstrap,
    KAFKA_CHANGES_TOPIC: changesTopic,
    KAFKA_EVENTS_TOPIC: eventsTopic,
    KAFKA_EVENTS_GROUP: group,
    KAFKA_DEAD_LETTER_TOPIC: deadLetterTopic,
    // The test run's database holds every other file's changes too: this topic begins now.
    KAFKA_CHANGES_FROM: 'latest',
    KAFKA_LEASE_MS: '6000',
  });
  // The topic begins where the publisher first took it: changes made before that are not on it. On
  // an empty database (this file alone) the publisher has no cursor until a first change exists.
  await ingest([signup(`${tag}-first`, `${tag}:first`, `first@${tag}.example`)]);
  await waitFor('the publisher to take its topic', async () =>
    (await streams()).changes?.cursor ? true : undefined,
  );
}, 180_000);

afterAll(async () => {
  await api?.close();
  await kafka?.close();
}, 60_000);

describe('changes out', () => {
  it('publishes a change keyed by its person, with cursor and type headers and the email masked', async () => {
    const email = `anne@${tag}.example`;
    await ingest([signup(`${tag}-anne-1`, `${tag}:anne`, email)]);
    const through = await latestCursor();
    const messages = await readTopic(kafka.bootstrap, changesTopic, (read) =>
      read.some((m) => cursorOf(m) >= through),
    );
    const ours = messages
      .map((m) => ({ message: m, change: JSON.parse(m.value) as Record<string, unknown> }))
      .filter(({ change }) => (change.data as { event?: string }).event === `${tag}-anne-1`);
    const identifier = ours.find(({ change }) => change.type === 'IDENTIFIER_ATTACHED')!;
    const { message, change } = identifier;
    expect(message.key).toBe((change.personIds as string[])[0]);
    expect(header(message, 'idgraph-cursor')).toBe(change.cursor);
    expect(header(message, 'idgraph-type')).toBe('IDENTIFIER_ATTACHED');
    expect(change.data).toEqual({
      event: `${tag}-anne-1`,
      action: null,
      type: 'email',
      value: maskedValue,
      masked: true,
    });
    expect(ours.map(({ change }) => change.type)).toEqual(['PERSONA_CREATED', 'IDENTIFIER_ATTACHED']);
  });

  it('reports the topic, its cursor and what it published', async () => {
    const through = await latestCursor();
    const view = await publishedThrough(through);
    expect(view.changes).toEqual({
      topic: changesTopic,
      cursor: expect.stringMatching(/^\d+$/),
      lagSeconds: expect.any(Number),
      published: expect.any(Number),
    });
    expect(view.changes!.published).toBeGreaterThanOrEqual(2);
  });

  it('loses nothing when the broker is killed and restarted in the middle of publishing', async () => {
    const before = await latestCursor();
    const scope = `${tag}-outage`;
    for (let batch = 0; batch < 10; batch++) {
      if (batch === 4) await kafka.stop({ abruptly: true });
      if (batch === 7) await kafka.restart();
      await ingest(
        Array.from({ length: 10 }, (_, i) =>
          signup(`${scope}-${batch}-${i}`, `${scope}:${batch}-${i}`, `p${batch}-${i}@${scope}.example`),
        ),
      );
    }
    const through = await latestCursor();
    await publishedThrough(through);
    const messages = await publishedBetween(before, through);
    expectCompleteAndConsistent(messages, before, through);
    expect(messages.filter((m) => m.value.includes(`"${scope}-`)).length).toBeGreaterThanOrEqual(200);
  }, 120_000);
});

describe('Query.streams', () => {
  it('is for admins only, and says null for the parts that are off', async () => {
    const keyed = await startTestApi({
      API_KEYS: 'reader=read,operator=admin',
      KAFKA_BROKERS: kafka.bootstrap,
      KAFKA_CHANGES_TOPIC: `${tag}.changes-keyed`,
      KAFKA_CHANGES_FROM: 'latest',
    });
    try {
      const query = '{ streams { changes { topic } events { topic } } }';
      const refused = await keyed.gql(query, {}, { key: 'reader' });
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const allowed = await keyed.gql(query, {}, { key: 'operator' });
      expect(allowed.data).toEqual({
        streams: { changes: { topic: `${tag}.changes-keyed` }, events: null },
      });
    } finally {
      await keyed.close();
    }
  });
});

describe('events in', () => {
  it('stores events from a topic that did not exist when it started, and dead-letters the rejected ones as sent', async () => {
    const scope = `${tag}-in`;
    const good = [1, 2, 3].map((i) => signup(`${scope}-${i}`, `${scope}:a`, `a@${scope}.example`, i));
    const notJson = `{"id": "${scope}-broken", "type": `;
    const invalid = JSON.stringify({ id: `${scope}-invalid`, occurredAt: at(9), source: 'web' });
    await produce([
      { key: 'a', value: JSON.stringify(good[0]) },
      { key: 'broken', value: notJson },
      { key: 'a', value: JSON.stringify(good[1]) },
      { key: 'invalid', value: invalid },
      { key: 'a', value: JSON.stringify(good[2]) },
    ]);
    const stored = await waitFor('the good events to be stored', async () => {
      const ids = (await storedEventIds([`${scope}:a`])).get(`${scope}:a`)!;
      return ids.length >= 3 ? ids : undefined;
    });
    expect([...stored].sort()).toEqual([`${scope}-1`, `${scope}-2`, `${scope}-3`]);
    const rejected = await readTopic(kafka.bootstrap, deadLetterTopic, (read) => read.length >= 2);
    expect(
      rejected.map((m) => ({
        key: m.key,
        value: m.value,
        code: header(m, 'idgraph-code'),
        message: header(m, 'idgraph-message'),
      })),
    ).toEqual([
      {
        key: `${scope}-broken`,
        value: notJson,
        code: 'BAD_USER_INPUT',
        message: expect.stringMatching(/^not JSON/),
      },
      {
        key: `${scope}-invalid`,
        value: invalid,
        code: 'BAD_USER_INPUT',
        message: expect.stringMatching(/type/),
      },
    ]);
    const view = await waitFor('the counts', async () => {
      const events = (await streams()).events;
      return events && events.consumed >= 5 ? events : undefined;
    });
    expect(view).toEqual({ topic: eventsTopic, group, lag: view.lag, consumed: 5, rejected: 2 });
  });

  it('stores every event exactly once when the service is killed in the middle of consuming', async () => {
    const scope = `${tag}-kill`;
    const topic = `${tag}.events-kill`;
    const keys = Array.from({ length: 10 }, (_, i) => `${scope}:${i}`);
    const events = Array.from({ length: 300 }, (_, n) =>
      signup(`${scope}-${n}`, keys[n % 10]!, `${n}@${scope}.example`),
    );
    await produce(
      events.map((e) => ({ key: e.actor.persona.key, value: JSON.stringify(e) })),
      topic,
    );
    const total = async () => [...(await storedEventIds(keys)).values()].flat();
    const first = serve(topic);
    try {
      await waitFor(
        'a first batch to be stored',
        async () => ((await total()).length > 0 ? true : undefined),
        90_000,
      );
    } finally {
      first.kill('SIGKILL');
    }
    const killedAt = (await total()).length;
    const second = serve(topic);
    try {
      await waitFor(
        'every event to be stored',
        async () => ((await total()).length >= 300 ? true : undefined),
        90_000,
      );
    } finally {
      second.kill('SIGTERM');
    }
    const ids = await total();
    expect(killedAt).toBeLessThan(300);
    expect(ids.length).toBe(300);
    expect(new Set(ids).size).toBe(300);
  }, 240_000);
});

/** `idgraph serve` in a process of its own, consuming `topic`, on the test run's database. */
function serve(topic: string): ChildProcess {
  const child = spawn(process.execPath, [path.join(projectRoot, 'dist/cli/idgraph.js'), 'serve'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: '0',
      KAFKA_BROKERS: kafka.bootstrap,
      KAFKA_CHANGES_TOPIC: `${tag}.changes-kill`,
      KAFKA_CHANGES_FROM: 'latest',
      KAFKA_EVENTS_TOPIC: topic,
      KAFKA_EVENTS_GROUP: `${tag}-kill`,
      KAFKA_EVENTS_BATCH_SIZE: '25',
      STALE_REGROUP_HOURS: '0',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.resume();
  return child;
}
