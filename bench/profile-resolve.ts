// Where a resolution's time goes, layer by layer, on the bench's generated graph (10k events, seed 1):
//   floor       each use case's hand-written floor statement over the driver (bench/floor/resolve/);
//   email-floor the floor before 2026-12-03: one PERSON-scope statement for every use case, reading a
//               person's emails and marketing consent only (bench/floor/resolve-floor.cypher);
//   gather      the API's own statement (cypher/resolution/gather.cypher) over the driver, same params;
//   service     ResolutionService.resolve in this process (gather + the rules, definitions cached);
//   http        the `resolve` query over HTTP to `idgraph serve` in its own process, as the bench does.
// Each step's ratio to the one before it says which layer to work on. With --cpu-prof the API process
// writes a V8 CPU profile into bench/results/profiles/ (open it in Chrome DevTools).
//
// With --compare-dist <dir> (another build's dist/, e.g. a worktree of main) a second API serves the
// same database and `http-compared` is measured in turns with `http`: a change against main, same noise.
//
// node --import ./bench/register-ts.mjs bench/profile-resolve.ts [--concurrency 8] [--calls 800] [--cpu-prof]
//   [--only <layer>] [--plan] [--compare-dist <dir>] [--rounds 2] [--use-case <name>]
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, projectRoot } from '../src/config.js';
import { DefinitionCache } from '../src/changes/definitions.cache.js';
import { toNeo4j } from '../src/graph/convert.js';
import { openDatabase } from '../src/graph/database.js';
import { migrate } from '../src/graph/migrations.js';
import { operatorServices } from '../src/cli/operator.js';
import { createServices } from '../src/services.js';
import { gatherParams } from '../src/resolution/resolution.service.js';
import { generateEvents } from './generate.js';
import {
  argument,
  floorRead,
  postJson,
  resolveFloor,
  resolveQuery,
  resolveSamples,
  startApi,
  useCases,
} from './harness.js';

process.env.ERASURE_SECRET ??= randomBytes(24).toString('hex');
const concurrency = Number(argument('concurrency', '8'));
const calls = Number(argument('calls', '800'));
const rounds = Math.max(2, Number(argument('rounds', '2')));
const cpuProf = process.argv.includes('--cpu-prof');
// Measure the floor and one layer only (a CPU profile of the API then holds little else).
const only = argument('only', '');
const log = (line: string) => console.error(`[profile ${new Date().toISOString().slice(11, 19)}] ${line}`);

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux). */
function cpuMs(pid: number, part: 'all' | 'system' = 'all'): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = part === 'system' ? Number(fields[12]) : Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100;
}

/** `calls` calls at `concurrency`: their latencies and the seconds they took. */
async function timed(call: (n: number) => Promise<unknown>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) {
        const n = next++;
        const t = performance.now();
        await call(n);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

function summary(runs: Awaited<ReturnType<typeof timed>>[]) {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  return {
    medianMs: Math.round(latencies[Math.floor(latencies.length / 2)]! * 100) / 100,
    p99Ms: Math.round(latencies[Math.ceil(latencies.length * 0.99) - 1]! * 100) / 100,
    perSecond: Math.round(latencies.length / seconds),
  };
}

async function main() {
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-profile-'));
  const config = loadConfig({ ...process.env, NEO4J_URI: '', NEO4J_HOME: store, NODE_ENV: 'production' });
  const db = await openDatabase(config, log);
  const stopApi = { current: undefined as (() => Promise<void>) | undefined };
  try {
    await migrate(db.graph, () => {});
    const operator = operatorServices(db.graph, config, 'profile');
    const events = [...generateEvents({ size: 10_000, seed: 1 })];
    for (let i = 0; i < events.length; i += 1_000) {
      await operator.ingest.ingest(events.slice(i, i + 1_000) as never);
    }
    log(`loaded ${events.length} events`);
    for (const u of useCases) await operator.resolution.defineUseCase(u.input as never);

    const samples = await resolveSamples(db.graph, config, events);
    // --use-case <name>: every call asks that use case (to see one use case's cost against its floor).
    const only1 = useCases.filter((u) => u.input.name === argument('use-case', ''));
    const asked = only1.length ? only1 : useCases;
    const sampleCall = (useCase: (typeof useCases)[number], n: number) => {
      const list = samples[useCase.type]!;
      return { identifier: list[(n * 7_919) % list.length]!, useCase: useCase.input.name };
    };
    const callOf = (n: number) => sampleCall(asked[n % asked.length]!, n);

    const definitions = new DefinitionCache();
    const service = () =>
      createServices(
        db.graph,
        config,
        { actor: 'p', authenticated: true, roles: new Set(['read']) } as never,
        undefined,
        definitions,
      ).services.resolution;
    const registry = await operator.identity.identifierTypes();
    const useCaseModels = new Map(
      await Promise.all(
        useCases.map(
          async (u) => [u.input.name, (await operator.resolution.useCase(u.input.name))!] as const,
        ),
      ),
    );
    const gatherText = db.graph.statement('resolution/gather');
    const emailFloorText = fs.readFileSync(
      path.join(projectRoot, 'bench/floor/resolve-floor.cypher'),
      'utf8',
    );
    const floor = resolveFloor(db.driver);
    // As the API's Graph.read runs a statement (and the bench's floor): an auto-commit read.
    const read = (text: string, params: Record<string, unknown>) =>
      floorRead(db.driver, text, toNeo4j(params) as Record<string, unknown>);

    // A floor that finds nothing does no work: say how often each use case's floor answers.
    for (const [i, u] of useCases.entries()) {
      let answered = 0;
      for (let k = 0; k < 60; k++)
        answered += (await floor(sampleCall(u, i + 6 * k))).records.length > 0 ? 1 : 0;
      log(`floor of ${u.input.name}: ${answered} of 60 calls found a row`);
    }

    // Neo4j's own account, per use case over 20 samples: db hits and operators of our statement and of
    // its floor, and the bytes each returns (as JSON), which both sides pay to encode and decode.
    if (process.argv.includes('--plan')) {
      const planOf = (summary: { profile: unknown }) => {
        const operators: { name: string; hits: number }[] = [];
        const walk = (plan: { operatorType: string; dbHits: number; children: unknown[] }) => {
          operators.push({ name: plan.operatorType, hits: plan.dbHits });
          for (const child of plan.children) walk(child as typeof plan);
        };
        walk(summary.profile as never);
        return operators;
      };
      const bytesOf = (records: { toObject(): unknown }[]) =>
        JSON.stringify(records.map((r) => r.toObject())).length;
      for (const [i, u] of useCases.entries()) {
        const totals = { hits: 0, floorHits: 0, bytes: 0, floorBytes: 0 };
        const byOperator = new Map<string, number>();
        let operatorCount = 0;
        const floorText = fs.readFileSync(
          path.join(projectRoot, `bench/floor/resolve/${u.input.name}.cypher`),
          'utf8',
        );
        for (let k = 0; k < 20; k++) {
          const { identifier, useCase } = sampleCall(u, i + 6 * k);
          const ours = await read(`PROFILE ${gatherText}`, {
            anchors: [identifier],
            ...gatherParams(useCaseModels.get(useCase)!, registry, null),
          });
          const operators = planOf(ours.summary as never);
          operatorCount = operators.length;
          for (const o of operators) byOperator.set(o.name, (byOperator.get(o.name) ?? 0) + o.hits);
          totals.hits += operators.reduce((sum, o) => sum + o.hits, 0);
          totals.bytes += bytesOf(ours.records);
          const theirs = await read(`PROFILE ${floorText}`, {
            value: identifier.value,
            now: new Date().toISOString(),
          });
          totals.floorHits += planOf(theirs.summary as never).reduce((sum, o) => sum + o.hits, 0);
          totals.floorBytes += bytesOf(theirs.records);
        }
        const top = [...byOperator].sort((a, b) => b[1] - a[1]).slice(0, 5);
        log(
          `${u.input.name}: ours ${totals.hits / 20} db hits (${operatorCount} operators), ${totals.bytes / 20} bytes; ` +
            `floor ${totals.floorHits / 20} db hits, ${totals.floorBytes / 20} bytes; ours most: ` +
            top.map(([name, hits]) => `${name} ${hits / 20}`).join(', '),
        );
      }
    }

    const cpuDir = path.join(projectRoot, 'bench/results/profiles');
    const api = await startApi(db.uri, cpuProf ? ['--cpu-prof', '--cpu-prof-dir', cpuDir] : []);
    const compareDist = argument('compare-dist', '');
    const compared = compareDist ? await startApi(db.uri, [], path.resolve(compareDist)) : undefined;
    stopApi.current = () => Promise.all([api.stop(), compared?.stop()]).then(() => undefined);
    const httpTo = (url: string) => {
      const post = postJson(url);
      return async (n: number) => {
        const body = (await post({ query: resolveQuery, variables: callOf(n) })) as {
          errors?: unknown;
          extensions?: { dbRoundTrips?: number };
        };
        if (body.errors) throw new Error(JSON.stringify(body.errors));
        roundTrips.set(
          body.extensions?.dbRoundTrips ?? -1,
          (roundTrips.get(body.extensions?.dbRoundTrips ?? -1) ?? 0) + 1,
        );
      };
    };
    const roundTrips = new Map<number, number>();
    const contenders: Record<string, (n: number) => Promise<unknown>> = {
      'email-floor': (n) => read(emailFloorText, { ...callOf(n).identifier, purpose: 'marketing' }),
      floor: (n) => floor(callOf(n)),
      gather: (n) => {
        const { identifier, useCase } = callOf(n);
        return read(gatherText, {
          anchors: [identifier],
          ...gatherParams(useCaseModels.get(useCase)!, registry, null),
        });
      },
      // The same statement in a managed read transaction (driver.executeQuery, as Graph.single runs
      // it): BEGIN with the statement, then a COMMIT of its own.
      'gather-tx': (n) => {
        const { identifier, useCase } = callOf(n);
        return db.driver.executeQuery(
          gatherText,
          toNeo4j({
            anchors: [identifier],
            ...gatherParams(useCaseModels.get(useCase)!, registry, null),
          }) as Record<string, unknown>,
          { routing: 'READ', bookmarkManager: null },
        );
      },
      service: (n) => {
        const { identifier, useCase } = callOf(n);
        return service().resolve(identifier, useCase);
      },
      http: httpTo(api.url),
      ...(compared ? { 'http-compared': httpTo(compared.url) } : {}),
    };
    const pids = {
      bench: process.pid,
      api: api.child.pid!,
      ...(compared ? { compared: compared.child.pid! } : {}),
      neo4j: db.embedded?.pid ?? -1,
    };
    const runs: Record<string, Awaited<ReturnType<typeof timed>>[]> = {};
    const cpuTotals: Record<string, Record<string, number>> = {};
    const cpuNow = () =>
      Object.fromEntries(
        Object.entries(pids).flatMap(([k, pid]) => [
          [k, pid > 0 ? cpuMs(pid) : 0],
          [`${k} (system)`, pid > 0 ? cpuMs(pid, 'system') : 0],
        ]),
      );
    // What the API's background work (change feed, leases, queues) costs Neo4j while nobody asks.
    for (let window = 0; window < 3; window++) {
      const before = cpuNow();
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      const after = cpuNow();
      const perSecond = (k: string) => ((after[k]! - before[k]!) / 5).toFixed(1);
      console.log(`at rest, CPU ms per second: api ${perSecond('api')}, neo4j ${perSecond('neo4j')}`);
    }
    // Round 0 warms up. Every other round runs the contenders in reverse order, so a machine that
    // slows down or speeds up mid-run does not favour whoever runs first.
    const names = Object.keys(contenders).filter(
      (name) =>
        !only || name === only || name === 'floor' || name === 'email-floor' || name === 'http-compared',
    );
    for (let round = 0; round < rounds; round++) {
      for (const name of round % 2 ? [...names].reverse() : names) {
        const before = cpuNow();
        const result = await timed(contenders[name]!);
        const after = cpuNow();
        if (round === 0) continue;
        (runs[name] ??= []).push(result);
        const totals = (cpuTotals[name] ??= {});
        for (const k of Object.keys(before)) totals[k] = (totals[k] ?? 0) + after[k]! - before[k]!;
      }
    }
    const results = Object.fromEntries(names.map((name) => [name, summary(runs[name]!)]));
    const cpu = Object.fromEntries(
      names.map((name) => [
        name,
        Object.entries(cpuTotals[name]!)
          .map(([k, ms]) => `${k} ${(ms / (calls * (rounds - 1))).toFixed(2)}`)
          .join(', '),
      ]),
    );
    let before = 'floor';
    for (const [name, r] of Object.entries(results)) {
      if (!results[before]) before = 'floor';
      const ratio = results[before]!.medianMs ? r.medianMs / results[before]!.medianMs : NaN;
      console.log(
        `${name.padEnd(11)} median ${r.medianMs} ms  p99 ${r.p99Ms} ms  ${r.perSecond}/s  ×${ratio.toFixed(2)} the layer below, ×${(r.medianMs / results.floor!.medianMs).toFixed(2)} the floor; CPU ms per call: ${cpu[name]}`,
      );
      before = name;
    }
    if (roundTrips.size)
      console.log(`HTTP calls by database round trips: ${JSON.stringify(Object.fromEntries(roundTrips))}`);
  } finally {
    await stopApi.current?.();
    await db.close();
    fs.rmSync(store, { recursive: true, force: true });
  }
}

await main();
