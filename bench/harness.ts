// What every bench shares: latency runs and their summaries, the API as its own process, \`idgraph
// import\` as a data engineer runs it, resident memory sampled from /proc, and the fastest way the
// driver runs one statement (the floors).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { operatorServices } from '../src/cli/operator.js';
import { loadConfig, projectRoot, type AppConfig } from '../src/config.js';
import { openDatabase } from '../src/graph/database.js';
import { migrate } from '../src/graph/migrations.js';
import type { Graph } from '../src/graph/run.js';
import { randomBytes } from 'node:crypto';
import { parseSize, type GeneratedEvent } from './generate.js';

/** The commit measured, taken before anything runs: the worktree may move on (a merge) while a long run goes. */
export const gitCommit = () =>
  spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: projectRoot, encoding: 'utf8' }).stdout.trim();

/** The value after `--name` on the command line, or the fallback. */
export const argument = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
};

/**
 * The options the whole-run benches share, and the erasure key the API needs under NODE_ENV=production.
 * --size (10k, 100k, 1m or a count), --supernode holders, --supernode-seconds, --calls per level.
 */
export function benchOptions(defaults: { size: string; supernodeSeconds: number }) {
  process.env.ERASURE_SECRET ??= randomBytes(24).toString('hex');
  const sizeName = argument('size', defaults.size);
  return {
    sizeName,
    size: parseSize(sizeName),
    supernodeHolders: Number(argument('supernode', '50000')),
    supernodeBudgetSeconds: Number(argument('supernode-seconds', String(defaults.supernodeSeconds))),
    callsPerLevel: Number(argument('calls', '400')),
  };
}

export const log = (line: string) =>
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

/**
 * A new empty embedded Neo4j of the bench's own, in a temporary store (never NEO4J_URI's database),
 * migrated; close() stops it and removes the store.
 */
export async function openBenchDatabase(prefix: string, onLine: (line: string) => void = log) {
  const store = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const config = loadConfig({
    ...process.env,
    NEO4J_URI: '',
    NEO4J_HOME: store,
    PORT: '0',
    NODE_ENV: 'production',
  });
  const db = await openDatabase(config, onLine);
  const close = async () => {
    await db.close();
    fs.rmSync(store, { recursive: true, force: true });
  };
  try {
    await migrate(db.graph, () => {});
  } catch (error) {
    await close();
    throw error;
  }
  return { store, config, db, close };
}

/** A hand-written floor statement, bench/floor/<name>.cypher. */
export const floorText = (name: string) =>
  fs.readFileSync(path.join(projectRoot, 'bench/floor', `${name}.cypher`), 'utf8');

export const percentile = (sorted: number[], q: number) =>
  sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
export interface Latency {
  calls: number;
  medianMs: number;
  p99Ms: number;
  perSecond: number;
}

/** Runs `call` for n in [from, from + count) from `concurrency` workers: each call's latency, the time. */
export async function run(
  concurrency: number,
  from: number,
  count: number,
  call: (n: number) => Promise<void>,
) {
  const latencies: number[] = [];
  let next = from;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < from + count) {
        const n = next++;
        const t = performance.now();
        await call(n);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

export function summarize(latencies: number[], seconds: number): Latency {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    calls: sorted.length,
    medianMs: round(percentile(sorted, 0.5), 2),
    p99Ms: round(percentile(sorted, 0.99), 2),
    perSecond: Math.round(sorted.length / seconds),
  };
}

export async function load(
  concurrency: number,
  count: number,
  call: (n: number) => Promise<void>,
): Promise<Latency> {
  const { latencies, seconds } = await run(concurrency, 0, count, call);
  return summarize(latencies, seconds);
}

/**
 * Measures contenders in turns (a slice of each, then the next slice of each, …) so that the noise
 * of a shared machine falls on all of them alike; each gets a warm-up slice first. Every other turn
 * runs them in reverse order: the contender that goes first in a slice pays for reading its pages
 * into the page cache, and the next one finds them there (at 1M events with a 256 MiB page cache,
 * that made the API's p99 at concurrency 1 six times the floor's that always went second).
 */
export async function compare<K extends string>(
  concurrency: number,
  count: number,
  contenders: Record<K, (n: number) => Promise<void>>,
  turns = 4,
): Promise<Record<K, Latency>> {
  const names = Object.keys(contenders) as K[];
  const slice = Math.ceil(count / turns);
  const totals = new Map(names.map((k) => [k, { latencies: [] as number[], seconds: 0 }]));
  for (const name of names) await run(concurrency, 1_000_000, Math.min(60, slice), contenders[name]);
  for (let turn = 0; turn < turns; turn++) {
    for (const name of turn % 2 === 0 ? names : [...names].reverse()) {
      const measured = await run(concurrency, turn * slice, slice, contenders[name]);
      const total = totals.get(name)!;
      total.latencies.push(...measured.latencies);
      total.seconds += measured.seconds;
    }
  }
  return Object.fromEntries(
    names.map((k) => [k, summarize(totals.get(k)!.latencies, totals.get(k)!.seconds)]),
  ) as Record<K, Latency>;
}

/** Resident memory of a process from /proc (Linux), in MiB; null elsewhere. */
export function rssMiB(pid: number): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? round(kb / 1024) : null;
  } catch {
    return null;
  }
}

/** Samples a process's RSS while `work` runs; the peak and the last sample. */
export async function sampleRss<T>(
  pid: number,
  work: () => Promise<T>,
): Promise<{ result: T; peakMiB: number | null }> {
  let peak: number | null = rssMiB(pid);
  const timer = setInterval(() => {
    const now = rssMiB(pid);
    if (now !== null) peak = Math.max(peak ?? 0, now);
  }, 100);
  try {
    return { result: await work(), peakMiB: peak };
  } finally {
    clearInterval(timer);
  }
}

export interface GraphQLBody {
  data?: Record<string, unknown>;
  errors?: unknown[];
  extensions?: { dbRoundTrips?: number };
}

/**
 * POSTs JSON over kept-alive node:http sockets. Not fetch: against a stub server, Node 20's fetch cost
 * 0.65–1.0 ms of CPU per request and node:http 0.19–0.33 ms, and on two shared cores the client's
 * CPU is taken from the API and Neo4j it measures (the floor's client is the driver, not a browser).
 */
export function postJson(url: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  return (payload: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const body = JSON.stringify(payload);
      const request = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.once('error', reject);
          response.once('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve(JSON.parse(text));
            } catch {
              reject(new Error(`HTTP ${response.statusCode}: ${text.slice(0, 500)}`));
            }
          });
        },
      );
      request.once('error', reject);
      request.end(body);
    });
}

export function client(url: string) {
  const post = postJson(url);
  return async (query: string, variables: Record<string, unknown> = {}): Promise<GraphQLBody> => {
    const body = (await post({ query, variables })) as GraphQLBody;
    if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 500));
    return body;
  };
}

/** Starts `idgraph serve` from a dist/ against the bench's database; resolves with its URL. */
export async function startApi(
  uri: string,
  nodeArgs: string[] = [],
  /** Another build's dist/ (a worktree of main), to measure a change against it on the same database. */
  dist = path.join(projectRoot, 'dist'),
): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [...nodeArgs, path.join(dist, 'cli/idgraph.js'), 'serve'], {
    env: { ...process.env, NEO4J_URI: uri, PORT: '0', NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const found = /GraphQL ready at (\S+)/.exec(text);
      if (found) resolve(found[1]!);
    });
    child.once('exit', (code) => reject(new Error(`idgraph serve exited (${code}): ${text}`)));
  });
  // An API that dies mid-run says why (the bench's own error is only "other side closed").
  let tail = '';
  child.stderr!.on('data', (chunk: Buffer) => void (tail = (tail + chunk.toString()).slice(-4000)));
  // 'close', not 'exit': by then the last of its output has been read.
  let stopping = false;
  child.once('close', (code, signal) => {
    if (!stopping) log(`the API exited (${code ?? signal}); its last output:\n${tail}`);
  });
  return {
    url,
    child,
    stop: () =>
      new Promise((resolve) => {
        stopping = true;
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * `idgraph import` as a data engineer runs it, stopped with SIGINT after `budgetSeconds`. Asynchronous,
 * so this process keeps reading the API's output meanwhile: a full pipe would stall the API.
 */
export function importFile(uri: string, file: string, batchSize: number, budgetSeconds?: number) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(projectRoot, 'dist/cli/idgraph.js'), 'import', file, '--batch', String(batchSize)],
      {
        env: { ...process.env, NEO4J_URI: uri, NODE_ENV: 'production' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-4000)));
    const timer = budgetSeconds ? setTimeout(() => child.kill('SIGINT'), budgetSeconds * 1000) : undefined;
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Writes events as JSON lines, as `idgraph import` reads them, honouring back-pressure. */
export async function writeEvents(file: string, events: Iterable<unknown>): Promise<void> {
  const out = fs.createWriteStream(file);
  for (const event of events) {
    if (!out.write(`${JSON.stringify(event)}\n`))
      await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

/** The supernode: one switchboard phone held by `holders` personas (its limit is 5), each with an email. */
export const supernodePhone = '+1 212 999 0000';
export function* supernodeEvents(holders: number) {
  for (let n = 0; n < holders; n++) {
    yield {
      id: `supernode-${n}`,
      type: 'signup',
      occurredAt: new Date(Date.UTC(2025, 6, 1) + n * 1_000).toISOString(),
      source: 'crm',
      actor: {
        persona: { key: `supernode:${n}`, context: 'WORK' },
        identifiers: [
          { type: 'phone', value: supernodePhone },
          { type: 'email', value: `holder${n}@switchboard.example` },
        ],
        authenticated: true,
      },
    };
  }
}

/** Writes the supernode's events and loads them with `idgraph import` within a time budget. */
export async function loadSupernode(
  uri: string,
  graph: Graph,
  file: string,
  holders: number,
  budgetSeconds: number,
): Promise<{ holders: { n: number; shared: boolean } | undefined; seconds: number; finished: boolean }> {
  await writeEvents(file, supernodeEvents(holders));
  const started = performance.now();
  const imported = await importFile(uri, file, 1_000, budgetSeconds);
  const seconds = (performance.now() - started) / 1000;
  const [found] = (await graph.runText(
    'MATCH (i:Identifier {type: "phone", value: $value})<-[:HAS_IDENTIFIER]-(p:Persona) RETURN count(p) AS n, i.shared AS shared',
    { value: '+12129990000' },
    'READ',
  )) as { n: number; shared: boolean }[];
  return { holders: found, seconds, finished: imported.status === 0 };
}

export function* batches<T>(items: Iterable<T>, n: number): Generator<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === n) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/**
 * One hand-written statement the fastest way the driver offers, as the API's Graph.read runs one: an
 * auto-commit read in a READ session, the statement and its commit in one network round trip.
 */
export async function floorRead(driver: Driver, text: string, params: Record<string, unknown>) {
  const session = driver.session({ defaultAccessMode: neo4j.session.READ });
  try {
    return await session.run(text, params);
  } finally {
    await session.close();
  }
}

/**
 * Identifiers to resolve, 2,000 per type from the signups, as they are stored: normalized (a phone
 * given as "+1 415 555 0100" is stored as "+14155550100"). The floors match the stored value, so they
 * must be given it to find the anchor the API finds; given the raw phone, a floor's MATCH missed and
 * a third of its calls did no work at all.
 */
export async function resolveSamples(graph: Graph, config: AppConfig, events: Iterable<GeneratedEvent>) {
  const identity = operatorServices(graph, config, 'bench').identity;
  const types = await identity.identifierTypes();
  const samples: Record<string, { type: string; value: string }[]> = { email: [], phone: [], account: [] };
  for (const e of events) {
    if (e.type !== 'signup') continue;
    for (const id of e.actor.identifiers ?? []) {
      const list = samples[id.type];
      const stored = list && list.length < 2_000 ? identity.tryNormalizeAmong(types, id) : null;
      if (stored) list!.push(stored);
    }
  }
  return samples;
}

/** The six stories' use cases, each with the identifier type it is asked about. */
export const useCases = [
  { type: 'email', input: { name: 'bench-guest-reminder', scope: 'IDENTIFIER', contactTypes: ['email'] } },
  {
    type: 'email',
    input: {
      name: 'bench-side-business',
      scope: 'PERSON',
      contexts: ['BUSINESS'],
      contactTypes: ['email'],
      consentPurpose: 'marketing',
      pressureCap: { max: 3, windowDays: 30, purpose: 'marketing' },
    },
  },
  {
    type: 'email',
    input: {
      name: 'bench-job-alerts',
      scope: 'PERSONA',
      minStrength: 'STRONG',
      contactTypes: ['email'],
      consentPurpose: 'job-alerts',
    },
  },
  { type: 'account', input: { name: 'bench-order-prep', scope: 'PERSON', requiredFacts: ['interests'] } },
  { type: 'phone', input: { name: 'bench-two-factor', scope: 'IDENTIFIER', contactTypes: ['phone'] } },
  {
    type: 'phone',
    input: {
      name: 'bench-office-contact',
      scope: 'PERSON',
      contactTypes: ['email'],
      consentPurpose: 'marketing',
    },
  },
] as const;

/** Defines the six stories' use cases through the API. */
export async function defineUseCases(gql: ReturnType<typeof client>) {
  for (const useCase of useCases) {
    await gql('mutation ($input: UseCaseInput!) { defineUseCase(input: $input) { name } }', {
      input: useCase.input,
    });
  }
}

/**
 * Call n of a resolve run and its two contenders: the API over HTTP and the floor over the driver,
 * cycling through the use cases, each asked about an identifier of its type from the samples.
 */
export function resolveContenders(
  gql: ReturnType<typeof client>,
  driver: Driver,
  samples: Awaited<ReturnType<typeof resolveSamples>>,
) {
  const call = (n: number) => {
    const useCase = useCases[n % useCases.length]!;
    const list = samples[useCase.type]!;
    return { identifier: list[(n * 7_919) % list.length]!, useCase: useCase.input.name };
  };
  const floor = resolveFloor(driver);
  return {
    call,
    api: async (n: number) => void (await gql(resolveQuery, call(n))),
    floor: async (n: number) => void (await floor(call(n))),
  };
}

/** A use case's own floor statement, bench/floor/resolve/<name>.cypher. */
export const useCaseFloor = (name: string) => floorText(`resolve/${name}`);

/**
 * The resolve floor: for each use case, its own hand-written statement (bench/floor/resolve/<name>.cypher)
 * reading what that use case's answer needs — holders, person, contact points, consents, facts,
 * messages in the window — written for that use case alone, over the driver, without validation,
 * policy, explanation or HTTP.
 */
export function resolveFloor(driver: Driver) {
  const texts = new Map(useCases.map((u) => [u.input.name as string, useCaseFloor(u.input.name as string)]));
  return (call: { identifier: { value: string }; useCase: string }) =>
    floorRead(driver, texts.get(call.useCase)!, {
      value: call.identifier.value,
      now: new Date().toISOString(),
    });
}

/** What the bench asks of each answer, of resolve and resolveMany alike. */
export const resolutionFields = /* GraphQL */ `
  personas {
    key
  }
  contact {
    value
  }
  suppressions {
    code
  }
  facts {
    key
  }
  confidence
  explanation {
    rule
    detail
  }
`;

export const resolveQuery = /* GraphQL */ `
  query ($identifier: IdentifierInput!, $useCase: String!) {
    resolve(identifier: $identifier, useCase: $useCase) {
      ${resolutionFields}
    }
  }
`;
