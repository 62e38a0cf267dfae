// Measures webhook delivery lag: the delay from a committed change to its arrival at each of 10 local
// HTTP receivers, for 1,000 changes, on a real Neo4j. `npm run bench:webhooks` writes
// bench/results/webhooks-latency.json.
//
// Scenarios: a steady stream (one change a transaction, one every 10 ms) and a burst (1,000 changes
// in 10 transactions of 100, back to back), both after a warm-up that is not measured. "Committed" is
// the moment the write transaction's promise resolved in the writer; receivers run in a worker
// thread with a clock comparable to the writer's, check every signature and answer 200.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ChangeInput } from '../src/outbox/outbox.model.js';
import { recordChanges } from '../src/outbox/outbox.js';
import { loadConfig, projectRoot } from '../src/config.js';
import { openDatabase } from '../src/graph/database.js';
import { GraphRepository } from '../src/graph/graph.repository.js';
import { migrate } from '../src/graph/migrations.js';
import { startServer, type RunningServer } from '../src/server.js';

// The API runs with NODE_ENV=production here, which requires an erasure key of its own.
process.env.ERASURE_SECRET ??= randomBytes(24).toString('hex');

const receiverCount = 10;
const changeCount = 1000;
const warmUpCount = 200;
const steadyIntervalMs = 10;
const burstTransactions = 10;
const secret = 'bench-webhook-secret-0123456789';

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (ms: number) => Math.round(ms * 10) / 10;
const percentile = (sorted: number[], q: number) =>
  sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;

interface ScenarioResult {
  name: string;
  description: string;
  deliveries: number;
  expectedDeliveries: number;
  requests: number;
  badSignatures: number;
  medianMs: number;
  p99Ms: number;
  maxMs: number;
}

async function gql<T>(
  server: RunningServer,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!body.data) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** Starts the receivers' worker, and one webhook per receiver. */
async function startReceivers(server: RunningServer, tag: string) {
  const worker = new Worker(new URL('./webhooks-receivers.mjs', import.meta.url), {
    workerData: { count: receiverCount, secret, tag },
  });
  const request = <T>(message: object | undefined, kind: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const onMessage = (reply: { kind: string }) => {
        if (reply.kind !== kind) return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve(reply as T);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      if (message) worker.postMessage(message);
    });
  const { urls } = await request<{ urls: string[] }>(undefined, 'started');
  const ids: string[] = [];
  for (const url of urls) {
    const data = await gql<{ defineWebhook: { id: string } }>(
      server,
      /* GraphQL */ `
        mutation Define($input: WebhookInput!) {
          defineWebhook(input: $input) {
            id
          }
        }
      `,
      { input: { url, secret, types: ['FACT_RECORDED'] } },
    );
    ids.push(data.defineWebhook.id);
  }
  return {
    /** Waits until every receiver holds every change numbered in [from, to). */
    async waitForAll(from: number, to: number, timeoutMs = 300_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { value } = await request<{ value: number }>({ kind: 'count', from, to }, 'count');
        if (value === receiverCount) return;
        if (Date.now() > deadline)
          throw new Error(`receivers did not all receive changes ${from}…${to - 1} in time`);
        await sleep(50);
      }
    },
    report: () =>
      request<{ arrivals: [number, number][][]; badSignatures: number; requests: number }>(
        { kind: 'report' },
        'report',
      ),
    async close() {
      for (const id of ids) {
        await gql(server, 'mutation Remove($id: ID!) { removeWebhook(id: $id) }', { id });
      }
      await request({ kind: 'close' }, 'closed');
      await worker.terminate();
    },
  };
}

type Writer = (tag: string, numbers: number[]) => Promise<void>;

async function runScenario(
  name: string,
  description: string,
  server: RunningServer,
  write: Writer,
  pace: (first: number, count: number, writeOne: (numbers: number[]) => Promise<void>) => Promise<void>,
): Promise<ScenarioResult> {
  const tag = `${name}-${Date.now()}`;
  const receivers = await startReceivers(server, tag);
  const committedAt = new Map<number, number>();
  const writeOne = async (numbers: number[]) => {
    await write(tag, numbers);
    const at = now();
    for (const n of numbers) committedAt.set(n, at);
  };
  // Warm-up: connections, query plans and JIT settle before anything is measured.
  await pace(-warmUpCount, warmUpCount, writeOne);
  await receivers.waitForAll(-warmUpCount, 0);
  await pace(0, changeCount, writeOne);
  await receivers.waitForAll(0, changeCount);
  const report = await receivers.report();
  await receivers.close();

  const delays = report.arrivals
    .flat()
    .filter(([n]) => n >= 0)
    .map(([n, at]) => at - committedAt.get(n)!)
    .sort((a, b) => a - b);
  return {
    name,
    description,
    deliveries: delays.length,
    expectedDeliveries: receiverCount * changeCount,
    requests: report.requests,
    badSignatures: report.badSignatures,
    medianMs: round(percentile(delays, 0.5)),
    p99Ms: round(percentile(delays, 0.99)),
    maxMs: round(delays[delays.length - 1] ?? NaN),
  };
}

const steady = async (first: number, count: number, writeOne: (numbers: number[]) => Promise<void>) => {
  for (let n = first; n < first + count; n++) {
    await writeOne([n]);
    await sleep(steadyIntervalMs);
  }
};

const burst = async (first: number, count: number, writeOne: (numbers: number[]) => Promise<void>) => {
  const perTransaction = Math.ceil(count / burstTransactions);
  for (let start = first; start < first + count; start += perTransaction) {
    const end = Math.min(start + perTransaction, first + count);
    await writeOne(Array.from({ length: end - start }, (_, i) => start + i));
  }
};

async function main() {
  const base = loadConfig({ ...process.env, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1' });
  const store = base.neo4j.uri ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-bench-neo4j-'));
  const database = await openDatabase(
    { ...base, neo4j: { ...base.neo4j, home: store ?? base.neo4j.home } },
    (line) => console.error(line),
  );
  let server: RunningServer | undefined;
  // The machine may be shared: the load around the run says how far its figures are its own.
  const loadAverageBefore = os.loadavg()[0];
  try {
    await migrate(database.graph);
    const info = await new GraphRepository(database.graph).serverInfo();
    server = await startServer({ config: base, graph: database.graph });
    const write: Writer = (tag, numbers) =>
      database.graph.writeTx('bench/record-changes', (tx) =>
        recordChanges(
          tx,
          numbers.map((n): ChangeInput => ({
            type: 'FACT_RECORDED',
            personaIds: [`${tag}-persona`],
            personIds: [],
            data: { tag, n },
          })),
        ),
      );
    const results = [
      await runScenario(
        'steady',
        `one change a transaction, one every ${steadyIntervalMs} ms`,
        server,
        write,
        steady,
      ),
      await runScenario(
        'burst',
        `${changeCount} changes in ${burstTransactions} transactions written back to back`,
        server,
        write,
        burst,
      ),
    ];
    const report = {
      what: `delay from a committed change to its arrival at each of ${receiverCount} webhook receivers (ms)`,
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model,
        memoryGb: Math.round(os.totalmem() / 2 ** 30),
        loadAverage1m: { before: loadAverageBefore, after: os.loadavg()[0] },
      },
      node: process.version,
      neo4j: `${info?.version} ${info?.edition}`,
      receivers: receiverCount,
      changes: changeCount,
      batchSize: base.webhooks.batchSize,
      scenarios: results,
    };
    const file = path.join(projectRoot, 'bench/results/webhooks-latency.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.table(
      results.map(({ name, medianMs, p99Ms, maxMs, deliveries, requests, badSignatures }) => ({
        name,
        medianMs,
        p99Ms,
        maxMs,
        deliveries,
        requests,
        badSignatures,
      })),
    );
    console.error(`written to ${path.relative(process.cwd(), file)}`);
  } finally {
    await server?.stop();
    await database.close();
    if (store) fs.rmSync(store, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
