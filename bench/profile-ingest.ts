// Where an ingest batch's database work goes, statement by statement, on the bench's generated events
// (seed 1): loads the first batches through IngestService (GraphQL's ingest without HTTP), then
//   1. runs the next batch once with every statement of its write transaction sent as `PROFILE …` and
//      rolls that transaction back: Neo4j's db hits per statement and per operator;
//   2. runs the same batch, unprofiled, rolled back, a few times: wall time per statement (median);
//   3. commits that batch and the following ones: wall time per ingest call (commit included).
// The statements are the catalog's own (compacted, as the API sends them).
//
// node --import ./bench/register-ts.mjs bench/profile-ingest.ts [--batch 1000] [--warm 5] [--timed 5]
//   [--operators 8] [--json file] [--dump file] [--supernode]
// --supernode ingests the bench's supernode instead (one phone held by every persona of the batches).
// --dump writes the graph the batches left, without the values that differ from run to run (random ids,
// transaction ids, clock times), one sorted line per node and relationship, then the changes in order:
// two versions of ingest that behave the same write the same file.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ManagedTransaction } from 'neo4j-driver';
import { loadConfig } from '../src/config.js';
import { fromNeo4j, toNeo4j } from '../src/graph/convert.js';
import { openDatabase } from '../src/graph/database.js';
import { migrate } from '../src/graph/migrations.js';
import { Graph, type Tx } from '../src/graph/run.js';
import { operatorServices } from '../src/cli/operator.js';
import { generateEvents } from './generate.js';
import { argument, supernodeEvents } from './harness.js';
import { dumpGraph } from './graph-dump.js';

process.env.ERASURE_SECRET ??= randomBytes(24).toString('hex');
const batchSize = Number(argument('batch', '1000'));
const warmBatches = Number(argument('warm', '5'));
const timedBatches = Number(argument('timed', '5'));
const topOperators = Number(argument('operators', '8'));
const jsonOut = argument('json', '');
const dumpOut = argument('dump', '');
const supernode = process.argv.includes('--supernode');
const log = (line: string) => console.error(`[profile ${new Date().toISOString().slice(11, 19)}] ${line}`);

interface PlanNode {
  operatorType: string;
  dbHits: number;
  rows: number;
  arguments: Record<string, unknown>;
  children: PlanNode[];
}
interface Sample {
  name: string;
  ms: number;
  plan?: PlanNode;
}

// The instrument: how the transaction's statements run (PROFILE or not, timed), and whether the
// write transaction commits. Graph.wrap is private; this copy differs only in the prefix and the clock.
const mode = { profile: false, rollback: false, samples: [] as Sample[] };
class RolledBack extends Error {}
const graphProto = Graph.prototype as unknown as {
  wrap(tx: ManagedTransaction, topics: Set<string>): Tx;
  statement(name: string): string;
  writeTx: Graph['writeTx'];
};
graphProto.wrap = function (this: typeof graphProto, tx, topics) {
  return {
    afterCommit: (topic: string) => void topics.add(topic),
    run: async <T extends object>(name: string, params: Record<string, unknown> = {}) => {
      const text = (mode.profile ? 'PROFILE ' : '') + this.statement(name);
      const started = performance.now();
      const result = await tx.run(text, toNeo4j(params) as Record<string, unknown>);
      const ms = performance.now() - started;
      mode.samples.push({ name, ms, plan: mode.profile ? (result.summary.profile as never) : undefined });
      return result.records.map((record) => fromNeo4j(record.toObject()) as T);
    },
  };
};
const writeTx = graphProto.writeTx;
graphProto.writeTx = function <T>(this: Graph, operation: string, work: (tx: Tx) => Promise<T>) {
  return writeTx.call(this, operation, async (tx: Tx) => {
    const result = await work(tx);
    if (mode.rollback) throw new RolledBack('rolled back on purpose');
    return result;
  }) as Promise<T>;
};

function operators(plan: PlanNode) {
  const all: { name: string; details: string; hits: number; rows: number }[] = [];
  const walk = (node: PlanNode) => {
    all.push({
      name: node.operatorType.replace(/@.*$/, ''),
      details: String(node.arguments.Details ?? '').slice(0, 110),
      hits: Number(node.dbHits),
      rows: Number(node.rows),
    });
    for (const child of node.children) walk(child);
  };
  walk(plan);
  return all;
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux): robust to a busy machine. */
function cpuMs(pid: number): number {
  if (pid <= 0 || !fs.existsSync(`/proc/${pid}/stat`)) return NaN;
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
const nodeCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

async function main() {
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-profile-ingest-'));
  const config = loadConfig({ ...process.env, NEO4J_URI: '', NEO4J_HOME: store, NODE_ENV: 'production' });
  const db = await openDatabase(config, log);
  const report: Record<string, unknown> = {};
  try {
    await migrate(db.graph, () => {});
    const ingest = operatorServices(db.graph, config, 'profile').ingest;
    const count = batchSize * (warmBatches + timedBatches);
    const events = supernode ? [...supernodeEvents(count)] : [...generateEvents({ size: count, seed: 1 })];
    const batch = (n: number) => events.slice(n * batchSize, (n + 1) * batchSize) as never;
    for (let n = 0; n < warmBatches; n++) await ingest.ingest(batch(n));
    log(`loaded ${warmBatches} batches of ${batchSize}`);

    const neo4jPid = db.embedded?.pid ?? -1;
    const once = async (n: number, profile: boolean, rollback: boolean) => {
      Object.assign(mode, { profile, rollback, samples: [] });
      const cpuBefore = { neo4j: cpuMs(neo4jPid), node: nodeCpuMs() };
      const started = performance.now();
      try {
        await ingest.ingest(batch(n));
      } catch (error) {
        if (!(error instanceof RolledBack)) throw error;
      }
      const total = performance.now() - started;
      const cpu = { neo4j: cpuMs(neo4jPid) - cpuBefore.neo4j, node: nodeCpuMs() - cpuBefore.node };
      const samples = mode.samples;
      Object.assign(mode, { profile: false, rollback: false, samples: [] });
      return { total, samples, cpu };
    };

    // 1. db hits, in a rolled-back copy of the next batch's transaction.
    const profiled = await once(warmBatches, true, true);
    let allHits = 0;
    const statements: unknown[] = [];
    for (const sample of profiled.samples) {
      const ops = operators(sample.plan!);
      const hits = ops.reduce((sum, o) => sum + o.hits, 0);
      allHits += hits;
      statements.push({ name: sample.name, hits, operators: ops });
      console.log(`\n${sample.name}: ${hits} db hits, ${ops.length} operators`);
      for (const o of [...ops].sort((a, b) => b.hits - a.hits).slice(0, topOperators)) {
        console.log(`  ${String(o.hits).padStart(7)}  ${o.name.padEnd(28)} rows ${o.rows}  ${o.details}`);
      }
    }
    console.log(`\nall statements: ${allHits} db hits`);
    report.profile = statements;

    // 2. wall time per statement, unprofiled, rolled back (a warm-up run first).
    const perStatement = new Map<string, number[]>();
    const inTx: number[] = [];
    const rolledBackCpu: number[] = [];
    for (let round = 0; round < 4; round++) {
      const { samples, cpu } = await once(warmBatches, false, true);
      if (round === 0) continue;
      rolledBackCpu.push(cpu.neo4j);
      samples.forEach((s, i) => {
        const key = `${i} ${s.name}`;
        perStatement.set(key, [...(perStatement.get(key) ?? []), s.ms]);
      });
      inTx.push(samples.reduce((sum, s) => sum + s.ms, 0));
    }
    console.log('\nwall time per statement (median of 3, rolled back):');
    for (const [key, values] of perStatement)
      console.log(`  ${median(values).toFixed(1).padStart(7)} ms  ${key}`);
    console.log(`  ${median(inTx).toFixed(1).padStart(7)} ms  all statements`);
    console.log(`  ${median(rolledBackCpu).toFixed(1).padStart(7)} ms  Neo4j CPU for the batch`);
    report.statementMs = Object.fromEntries([...perStatement].map(([k, v]) => [k, median(v)]));

    // 3. wall time per committed batch.
    const totals: number[] = [];
    const neo4jCpu: number[] = [];
    const nodeCpu: number[] = [];
    for (let n = warmBatches; n < warmBatches + timedBatches; n++) {
      const { total, cpu } = await once(n, false, false);
      totals.push(total);
      neo4jCpu.push(cpu.neo4j);
      nodeCpu.push(cpu.node);
    }
    const list = (values: number[]) =>
      `${values.map((t) => t.toFixed(0)).join(', ')} ms; median ${median(values).toFixed(0)} ms`;
    console.log(`\ncommitted batches ${warmBatches}..${warmBatches + timedBatches - 1}:`);
    console.log(`  wall        ${list(totals)}`);
    console.log(`  Neo4j CPU   ${list(neo4jCpu)}`);
    console.log(`  Node CPU    ${list(nodeCpu)}`);
    report.batchMs = totals;
    report.neo4jCpuMs = neo4jCpu;
    report.nodeCpuMs = nodeCpu;
    if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(report, null, 2));
    if (dumpOut) fs.writeFileSync(dumpOut, await dumpGraph(db.graph));
  } finally {
    await db.close();
    fs.rmSync(store, { recursive: true, force: true });
  }
}

await main();
