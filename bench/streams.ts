// Measures the Kafka streams on a real Neo4j and a real single-node Kafka (src/streams/kafka-broker.ts):
// `npm run bench:streams` writes bench/results/streams.json.
//
// 1. Publish throughput: PUBLISH_COUNT changes written to the outbox first (1,000 a transaction),
//    then the service starts and its publisher sends the backlog: changes/s from its start until the
//    broker acknowledged the last.
// 2. Commit-to-topic delay at a steady rate: 10 changes a transaction every 10 ms (1,000 changes/s)
//    for STEADY_SECONDS; the delay from the writer's commit to the arrival at a consumer of the topic.
// 3. Consuming: CONSUME_COUNT generated events produced to a topic and ingested by the service's
//    consumer, against the same number of other generated events through `idgraph import`'s path
//    (importEvents, batches of 500).
//
// Indicative only on a shared machine: the load average around the run is in the report.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import type { ChangeInput } from '../src/outbox/outbox.model.js';
import { recordChanges } from '../src/outbox/outbox.js';
import { loadConfig, projectRoot, type AppConfig } from '../src/config.js';
import { openDatabase, type Database } from '../src/graph/database.js';
import { migrate } from '../src/graph/migrations.js';
import { importEvents } from '../src/identity/import.js';
import { IngestService } from '../src/identity/ingest.service.js';
import { ProfileIngest } from '../src/profile/profile.ingest.js';
import { buildSchema } from '../src/schema.js';
import { startServer, type RunningServer } from '../src/server.js';
import { startKafkaBroker } from '../src/streams/kafka-broker.js';
import { generateEvents } from './generate.js';

process.env.ERASURE_SECRET ??= randomBytes(24).toString('hex');

const publishCount = Number(process.env.PUBLISH_COUNT ?? 50_000);
const steadySeconds = Number(process.env.STEADY_SECONDS ?? 10);
const consumeCount = Number(process.env.CONSUME_COUNT ?? 5_000);
const run = randomBytes(3).toString('hex');

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: number[], q: number) =>
  sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;

async function gql<T>(server: RunningServer, query: string): Promise<T> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!body.data) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

interface Streams {
  streams: { changes: { cursor: string | null } | null; events: { consumed: number } | null };
}
const streamsQuery = '{ streams { changes { cursor } events { consumed } } }';

function writeChanges(db: Database, tag: string, numbers: number[]): Promise<void> {
  return db.graph.writeTx('bench/record-changes', (tx) =>
    recordChanges(
      tx,
      numbers.map((n): ChangeInput => ({
        type: 'FACT_RECORDED',
        personaIds: [`${tag}-persona-${n % 100}`],
        personIds: [],
        data: { tag, n },
      })),
    ),
  );
}

async function publishThroughput(db: Database, config: AppConfig) {
  const tag = `publish-${run}`;
  for (let start = 0; start < publishCount; start += 1000) {
    await writeChanges(
      db,
      tag,
      Array.from({ length: Math.min(1000, publishCount - start) }, (_, i) => start + i),
    );
  }
  const started = now();
  const server = await startServer({ config, graph: db.graph });
  try {
    const latest = await gql<{ latestChangeCursor: string }>(server, '{ latestChangeCursor }');
    const target = Number(latest.latestChangeCursor);
    for (;;) {
      const { streams } = await gql<Streams>(server, streamsQuery);
      if (Number(streams.changes?.cursor ?? 0) >= target) break;
      await sleep(100);
    }
    const seconds = (now() - started) / 1000;
    return { changes: target, seconds: round(seconds), changesPerSecond: Math.round(target / seconds) };
  } finally {
    await server.stop();
  }
}

async function steadyLatency(db: Database, config: AppConfig, bootstrap: string) {
  const tag = `steady-${run}`;
  const server = await startServer({ config, graph: db.graph });
  const consumer = new Consumer({
    clientId: 'bench-latency',
    groupId: `bench-${tag}`,
    bootstrapBrokers: [bootstrap],
    deserializers: stringDeserializers,
    autocommit: false,
  });
  const arrivals = new Map<number, number>();
  const committed = new Map<number, number>();
  try {
    const stream = await consumer.consume({
      topics: [config.kafka!.changes.topic],
      mode: 'latest',
      maxWaitTime: 50,
    });
    stream.on('data', (message: { value: string }) => {
      const change = JSON.parse(message.value) as { data: { tag?: string; n?: number } };
      if (change.data.tag === tag && change.data.n !== undefined) arrivals.set(change.data.n, now());
    });
    await sleep(2000);
    const total = steadySeconds * 1000;
    for (let n = 0; n < total; n += 10) {
      const due = performance.now() + 10;
      const numbers = Array.from({ length: 10 }, (_, i) => n + i);
      await writeChanges(db, tag, numbers);
      const at = now();
      for (const k of numbers) committed.set(k, at);
      await sleep(Math.max(0, due - performance.now()));
    }
    const deadline = Date.now() + 60_000;
    while (arrivals.size < total && Date.now() < deadline) await sleep(100);
    await stream.close();
    const delays = [...committed].map(([n, at]) => (arrivals.get(n) ?? NaN) - at).filter(Number.isFinite);
    delays.sort((a, b) => a - b);
    return {
      changes: total,
      arrived: arrivals.size,
      achievedRatePerSecond: Math.round(
        total / ((Math.max(...committed.values()) - Math.min(...committed.values())) / 1000),
      ),
      medianMs: round(percentile(delays, 0.5)),
      p99Ms: round(percentile(delays, 0.99)),
      maxMs: round(delays[delays.length - 1] ?? NaN),
    };
  } finally {
    await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
    await server.stop();
  }
}

function eventsOf(seed: number, prefix: string) {
  return [...generateEvents({ size: consumeCount, seed })].map((e) => ({ ...e, id: `${prefix}-${e.id}` }));
}

async function consumeVersusImport(db: Database, config: AppConfig, bootstrap: string) {
  const ingest = new IngestService(db.graph, config, new ProfileIngest(db.graph), 'import');
  const imported = eventsOf(11, `import-${run}`);
  const importStarted = now();
  async function* lines() {
    for (const event of imported) yield JSON.stringify(event);
  }
  await importEvents(lines(), buildSchema(), ingest, { batchSize: 500 });
  const importSeconds = (now() - importStarted) / 1000;

  const topic = `bench-events-${run}`;
  const producer = new Producer({
    clientId: 'bench',
    bootstrapBrokers: [bootstrap],
    serializers: stringSerializers,
    autocreateTopics: true,
  });
  const consumed = eventsOf(12, `kafka-${run}`);
  for (let i = 0; i < consumed.length; i += 1000) {
    await producer.send({
      messages: consumed
        .slice(i, i + 1000)
        .map((e) => ({ topic, key: e.actor.persona?.key, value: JSON.stringify(e) })),
    });
  }
  await producer.close();
  const kafka = {
    ...config.kafka!,
    events: { topic, group: `bench-${run}`, deadLetterTopic: `${topic}.rejected`, batchSize: 500 },
  };
  const consumeStarted = now();
  const server = await startServer({ config: { ...config, kafka }, graph: db.graph });
  try {
    for (;;) {
      const { streams } = await gql<Streams>(server, streamsQuery);
      if ((streams.events?.consumed ?? 0) >= consumed.length) break;
      await sleep(100);
    }
  } finally {
    await server.stop();
  }
  const consumeSeconds = (now() - consumeStarted) / 1000;
  const importRate = Math.round(imported.length / importSeconds);
  const consumeRate = Math.round(consumed.length / consumeSeconds);
  return {
    events: consumeCount,
    importPerSecond: importRate,
    consumePerSecond: consumeRate,
    ratio: round(consumeRate / importRate),
  };
}

const round = (value: number) => Math.round(value * 100) / 100;

async function main() {
  const kafkaDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-bench-kafka-'));
  const broker = await startKafkaBroker({ dir: kafkaDir, port: 0, log: () => {} });
  const base = loadConfig({
    ...process.env,
    NODE_ENV: 'production',
    PORT: '0',
    KAFKA_BROKERS: broker.bootstrap,
    KAFKA_CHANGES_TOPIC: `bench-changes-${run}`,
    STALE_REGROUP_HOURS: '0',
  });
  const store = base.neo4j.uri ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-bench-neo4j-'));
  const db = await openDatabase({ ...base, neo4j: { ...base.neo4j, home: store ?? base.neo4j.home } }, (l) =>
    console.error(l),
  );
  const loadAverageBefore = os.loadavg()[0];
  try {
    await migrate(db.graph);
    const publish = await publishThroughput(db, base);
    console.error('publish', publish);
    const steady = await steadyLatency(db, base, broker.bootstrap);
    console.error('steady', steady);
    const consume = await consumeVersusImport(db, base, broker.bootstrap);
    console.error('consume', consume);
    const report = {
      what: 'Kafka streams: publish throughput, commit-to-topic delay at 1,000 changes/s, consume rate vs import',
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        loadAverage1m: { before: loadAverageBefore, after: os.loadavg()[0] },
        note: 'shared with other work: indicative only',
      },
      node: process.version,
      publish,
      steady,
      consume,
    };
    const file = path.join(projectRoot, 'bench/results/streams.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.error(`written to ${path.relative(process.cwd(), file)}`);
  } finally {
    await db.close();
    await broker.stop();
    fs.rmSync(kafkaDir, { recursive: true, force: true });
    if (store) fs.rmSync(store, { recursive: true, force: true });
  }
}

await main();
