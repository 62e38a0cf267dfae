// Measures the delay from a committed change to its delivery, with 100 graphql-ws subscribers
// connected, on a real Neo4j: `npm run bench:changes` writes bench/results/changes-latency.json.
//
// Scenarios: subscribers on the instance that wrote (its commit wakes its feed at once); on another
// instance that only polls the outbox (CHANGE_POLL_MS); and on another instance woken through Redis
// pub/sub (where redis-server is installed). "Committed" is the moment the write transaction's
// promise resolved in the writer, which is just after the commit, so delays are, if anything,
// slightly understated; subscribers run in a worker thread with a clock comparable to the writer's.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { recordChanges } from '../src/outbox/outbox.js';
import { loadConfig, projectRoot, type AppConfig } from '../src/config.js';
import { openDatabase, type Database } from '../src/graph/database.js';
import { GraphRepository } from '../src/graph/graph.repository.js';
import { migrate } from '../src/graph/migrations.js';
import { startServer, type RunningServer } from '../src/server.js';
import { hasRedisServer, startRedis } from '../test/helpers/redis.js';

// The API runs with NODE_ENV=production here, which requires an erasure key of its own.
process.env.ERASURE_SECRET ??= randomBytes(24).toString('hex');

const subscriberCount = 100;
const changeCount = 300;
/** Written first, the same way, and not measured: Neo4j's and V8's JIT settle during them. */
const warmUpCount = 300;
const writeIntervalMs = 20;
const pollMs = 250;

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ScenarioResult {
  name: string;
  description: string;
  pollMs: number;
  redis: boolean;
  deliveries: number;
  expectedDeliveries: number;
  medianMs: number;
  p99Ms: number;
  maxMs: number;
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

async function latestCursor(server: RunningServer): Promise<string> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ latestChangeCursor }' }),
  });
  const body = (await response.json()) as { data?: { latestChangeCursor: string }; errors?: unknown };
  if (!body.data) throw new Error(`latestChangeCursor failed: ${JSON.stringify(body.errors)}`);
  return body.data.latestChangeCursor;
}

/** Starts the subscribers' worker and resolves once every client is connected. */
async function startSubscribers(server: RunningServer, tag: string) {
  const after = await latestCursor(server);
  const worker = new Worker(new URL('./changes-subscribers.mjs', import.meta.url), {
    workerData: { wsUrl: server.wsUrl, count: subscriberCount, after, tag },
  });
  const request = <T>(message: object, kind: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const onMessage = (reply: { kind: string; value?: unknown; arrivals?: unknown; message?: string }) => {
        if (reply.kind === 'error') reject(new Error(reply.message));
        if (reply.kind !== kind) return;
        worker.off('message', onMessage);
        resolve(reply as T);
      };
      worker.on('message', onMessage);
      if (Object.keys(message).length > 0) worker.postMessage(message);
    });
  await request({}, 'connected');
  const clientsWithAll = async (n: number) =>
    (await request<{ value: number }>({ kind: 'count', n }, 'count')).value;
  return {
    /** Waits until every subscriber has received n changes of the run. */
    async waitForAll(n: number, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      while ((await clientsWithAll(n)) < subscriberCount) {
        if (Date.now() > deadline) throw new Error(`subscribers did not all receive ${n} changes in time`);
        await sleep(50);
      }
    },
    async arrivals() {
      return (await request<{ arrivals: [number, number][][] }>({ kind: 'report' }, 'report')).arrivals;
    },
    async close() {
      await request({ kind: 'close' }, 'closed');
      await worker.terminate();
    },
  };
}

async function runScenario(
  name: string,
  description: string,
  writer: Database,
  subscribersOn: RunningServer,
  options: { pollMs: number; redis: boolean },
): Promise<ScenarioResult> {
  const tag = `${name}-${Date.now()}`;
  const subscribers = await startSubscribers(subscribersOn, tag);
  const write = (n: number) =>
    writer.graph.writeTx('bench/record-change', (tx) =>
      recordChanges(tx, [
        { type: 'FACT_RECORDED', personaIds: [`${tag}-persona`], personIds: [], data: { tag, n } },
      ]),
    );

  // Warm-up: connections, query plans and JIT settle before anything is measured.
  for (let n = -warmUpCount; n < 0; n++) {
    await write(n);
    await sleep(writeIntervalMs);
  }
  await subscribers.waitForAll(warmUpCount);

  const committedAt = new Map<number, number>();
  for (let n = 0; n < changeCount; n++) {
    await write(n);
    committedAt.set(n, now());
    await sleep(writeIntervalMs);
  }
  await subscribers.waitForAll(warmUpCount + changeCount);
  const arrivals = await subscribers.arrivals();
  await subscribers.close();

  const delays = arrivals
    .flat()
    .filter(([n]) => n >= 0)
    .map(([n, at]) => at - committedAt.get(n)!)
    .sort((a, b) => a - b);
  return {
    name,
    description,
    pollMs: options.pollMs,
    redis: options.redis,
    deliveries: delays.length,
    expectedDeliveries: subscriberCount * changeCount,
    medianMs: round(percentile(delays, 0.5)),
    p99Ms: round(percentile(delays, 0.99)),
    maxMs: round(delays[delays.length - 1] ?? NaN),
  };
}

async function main() {
  const base = loadConfig({ ...process.env, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1' });
  const store = base.neo4j.uri ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-bench-neo4j-'));
  const log = (line: string) => console.error(line);
  const primary = await openDatabase(
    { ...base, neo4j: { ...base.neo4j, home: store ?? base.neo4j.home } },
    log,
  );
  const opened: Database[] = [primary];
  const servers: RunningServer[] = [];
  const withChanges = (changes: Partial<AppConfig['changes']>): AppConfig => ({
    ...base,
    neo4j: { ...base.neo4j, uri: primary.uri },
    changes: { ...base.changes, pollMs, redisUrl: undefined, ...changes },
  });
  /** Another API instance: its own driver and Graph, as a separate process would have. */
  const instance = async (config: AppConfig, db?: Database) => {
    const database = db ?? (await openDatabase(config, log));
    if (!db) opened.push(database);
    const server = await startServer({ config, graph: database.graph });
    servers.push(server);
    return { database, server };
  };

  const results: ScenarioResult[] = [];
  try {
    await migrate(primary.graph);
    const info = await new GraphRepository(primary.graph).serverInfo();

    const a = await instance(withChanges({}), primary);
    results.push(
      await runScenario(
        'same-instance',
        'subscribers on the instance that wrote: its commit wakes its feed at once',
        a.database,
        a.server,
        { pollMs, redis: false },
      ),
    );
    const b = await instance(withChanges({}));
    results.push(
      await runScenario(
        'other-instance-polling',
        `subscribers on another instance that learns of changes by polling every ${pollMs} ms`,
        a.database,
        b.server,
        { pollMs, redis: false },
      ),
    );
    if (hasRedisServer) {
      const redis = await startRedis();
      try {
        const config = withChanges({ redisUrl: redis.url });
        const c = await instance(config);
        const d = await instance(config);
        results.push(
          await runScenario(
            'other-instance-redis',
            `subscribers on another instance woken through Redis pub/sub (polling every ${pollMs} ms as well)`,
            c.database,
            d.server,
            { pollMs, redis: true },
          ),
        );
        for (const server of servers.splice(-2)) await server.stop();
      } finally {
        await redis.stop();
      }
    } else {
      console.error('redis-server not found: the Redis scenario is skipped (apt-get install redis-server)');
    }

    const report = {
      what: 'delay from a committed change to its delivery to each of 100 graphql-ws subscribers (ms)',
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model,
        memoryGb: Math.round(os.totalmem() / 2 ** 30),
      },
      node: process.version,
      neo4j: `${info?.version} ${info?.edition}`,
      subscribers: subscriberCount,
      changes: changeCount,
      writeIntervalMs,
      scenarios: results,
    };
    const file = path.join(projectRoot, 'bench/results/changes-latency.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.table(
      results.map(({ name, medianMs, p99Ms, maxMs, deliveries }) => ({
        name,
        medianMs,
        p99Ms,
        maxMs,
        deliveries,
      })),
    );
    console.error(`written to ${path.relative(process.cwd(), file)}`);
  } finally {
    for (const server of servers) await server.stop();
    for (const database of opened.reverse()) await database.close();
    if (store) fs.rmSync(store, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
