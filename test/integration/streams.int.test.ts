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

const tag = uniqueTag('streams');
const changesTopic = `${tag}.changes`;
const eventsTopic = `${tag}.events`;
const deadLetterTopic = `${tag}.rejected`;
const group = `${tag}-ingest`;

let kafka: TestKafka;
let api: TestApi;

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 9, 0, second)).toISOString();

function signup(id: string, personaKey: string, email: string, second = 0) {
  return {
    id,
    type: 'signup',
    occurredAt: at(second),
    source: 'web',
    channel: 'WEB',
    actor: {
      persona: { key: personaKey, context: 'PERSONAL' },
      identifiers: [{ type: 'email', value: email }],
      authenticated: true,
    },
  };
}

async function ingest(events: unknown[]): Promise<void> {
  const body = await api.gql<{ ingest: { accepted: number; rejected: unknown[] } }>(
    /* GraphQL */ `
      mutation ($events: [EventInput!]!) {
        ingest(events: $events) {
          accepted
          rejected {
            message
          }
        }
      }
    `,
    { events },
  );
  expect(body.errors).toBeUndefined();
  expect(body.data?.ingest.rejected).toEqual([]);
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
    KAFKA_LEASE_MS: '6000',
  });
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
