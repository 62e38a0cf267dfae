// `npm run bench:growth -- --size 1m`: does resolve stay as fast as the graph grows, and does a
// supernode slow anyone else? One world (seed 1) is loaded as a data engineer loads it (`idgraph
// import`) in stages, 10k, 100k, then 1M events (up to --size); after each stage the same identifiers
// (of the first 10k events) are resolved one at a time and at concurrency 8, beside the floor, in
// turns. Then one phone gets --supernode holders (50,000) through the import path, and everyone
// else's resolution is measured again. Writes bench/results/<date>-growth-<size>.json and .md.
//
// `npm run bench` measures growth too, but loads three worlds through three paths on the way: at a
// million events that run takes over an hour, this one a fraction of it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../src/config.js';
import { generateEvents } from './generate.js';
import {
  client,
  compare,
  gitCommit,
  importFile,
  log,
  resolveSamples,
  round,
  rssMiB,
  startApi,
  writeEvents,
  type Latency,
  defineUseCases,
  loadSupernode,
  resolveContenders,
  benchOptions,
  openBenchDatabase,
} from './harness.js';

const { sizeName, size, supernodeHolders, supernodeBudgetSeconds, callsPerLevel } = benchOptions({
  size: '1m',
  supernodeSeconds: 900,
});
const stages = [10_000, 100_000, 1_000_000].filter((n) => n < size).concat(size);

interface Stage {
  events: number;
  importSeconds: number;
  importEventsPerSecond: number;
  resolve: Record<'c1FirstTouch' | 'c1' | 'c8', { api: Latency; floor: Latency }>;
  neo4jRssMiB: number | null;
}

async function main() {
  const started = new Date();
  const commit = gitCommit();
  const { store, config, db, close } = await openBenchDatabase('idgraph-bench-growth-');
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  try {
    api = await startApi(db.uri);
    const gql = client(api.url);
    await defineUseCases(gql);
    // The same identifiers at every size: those of the world's first 10k events.
    const samples = await resolveSamples(db.graph, config, generateEvents({ size: 10_000, seed: 1 }));
    const { api: apiResolve, floor: floorResolve } = resolveContenders(gql, db.driver, samples);
    const contenders = { api: apiResolve, floor: floorResolve };
    // Each measurement starts with a discarded round of both (other identifiers of the samples): the
    // first stage would otherwise carry the JVM's warm-up and flatter every later ratio. Then the same
    // calls one at a time twice: the first pass reads pages the page cache may not hold (a million
    // events outgrow its default 256 MiB), the second finds them there.
    const resolveLevels = async () => {
      await compare(8, 1_000, contenders);
      return {
        c1FirstTouch: await compare(1, callsPerLevel, contenders),
        c1: await compare(1, callsPerLevel, contenders),
        c8: await compare(8, callsPerLevel, contenders),
      };
    };

    const file = path.join(store, 'events.jsonl');
    const measured: Stage[] = [];
    let loaded = 0;
    for (const target of stages) {
      // The world is generated chunk by chunk, so the first `loaded` events are the ones already in.
      let n = 0;
      const next = (function* () {
        for (const event of generateEvents({ size: target, seed: 1 })) if (n++ >= loaded) yield event;
      })();
      await writeEvents(file, next);
      const t = performance.now();
      const imported = await importFile(db.uri, file, 1_000);
      const importSeconds = (performance.now() - t) / 1000;
      if (imported.status !== 0) throw new Error(`idgraph import failed: ${imported.stderr.slice(-2_000)}`);
      const count = target - loaded;
      loaded = target;
      const resolve = await resolveLevels();
      const stage = {
        events: target,
        importSeconds: round(importSeconds),
        importEventsPerSecond: Math.round(count / importSeconds),
        resolve,
        neo4jRssMiB: db.embedded ? rssMiB(db.embedded.pid) : null,
      };
      measured.push(stage);
      log(`at ${target}: ${JSON.stringify(stage)}`);
    }

    // The supernode, then everyone else again (the stage above is "before").
    const supernode = await loadSupernode(db.uri, db.graph, file, supernodeHolders, supernodeBudgetSeconds);
    const holders = supernode.holders;
    log(`supernode: ${JSON.stringify(holders)} in ${round(supernode.seconds)} s`);
    const after = await resolveLevels();
    const before = measured.at(-1)!.resolve;

    const ratio = (a: number, b: number) => round(a / b, 2);
    const first = measured[0]!;
    const last = measured.at(-1)!;
    const result = {
      measuredAt: started.toISOString(),
      commit,
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      neo4j: `embedded Community 5.26, heap ${config.neo4j.heap}, page cache ${config.neo4j.pageCacheMb} MiB`,
      stages: measured,
      growth: {
        from: first.events,
        to: last.events,
        p99Ratio: ratio(last.resolve.c1.api.p99Ms, first.resolve.c1.api.p99Ms),
        medianRatio: ratio(last.resolve.c1.api.medianMs, first.resolve.c1.api.medianMs),
        floorP99Ratio: ratio(last.resolve.c1.floor.p99Ms, first.resolve.c1.floor.p99Ms),
        firstTouchP99Ratio: ratio(last.resolve.c1FirstTouch.api.p99Ms, first.resolve.c1FirstTouch.api.p99Ms),
        firstTouchFloorP99Ratio: ratio(
          last.resolve.c1FirstTouch.floor.p99Ms,
          first.resolve.c1FirstTouch.floor.p99Ms,
        ),
      },
      supernode: {
        holdersWanted: supernodeHolders,
        holdersLoaded: holders?.n ?? 0,
        shared: holders?.shared ?? null,
        loadSeconds: round(supernode.seconds),
        loadFinished: supernode.finished,
        before,
        after,
        p99Ratio: {
          c1: ratio(after.c1.api.p99Ms, before.c1.api.p99Ms),
          c8: ratio(after.c8.api.p99Ms, before.c8.api.p99Ms),
          c1FirstTouch: ratio(after.c1FirstTouch.api.p99Ms, before.c1FirstTouch.api.p99Ms),
        },
        floorP99Ratio: {
          c1: ratio(after.c1.floor.p99Ms, before.c1.floor.p99Ms),
          c8: ratio(after.c8.floor.p99Ms, before.c8.floor.p99Ms),
        },
      },
    };
    const stamp = result.measuredAt.slice(0, 16).replace(':', '');
    const base = path.join(projectRoot, 'bench/results', `${stamp}-growth-${sizeName}`);
    fs.writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
    fs.writeFileSync(`${base}.md`, markdown(result));
    log(`wrote ${base}.md`);
    console.log(markdown(result));
  } finally {
    await api?.stop();
    await close();
  }
}

function markdown(r: {
  measuredAt: string;
  commit: string;
  machine: string;
  neo4j: string;
  stages: Stage[];
  growth: {
    from: number;
    to: number;
    p99Ratio: number;
    medianRatio: number;
    floorP99Ratio: number;
    firstTouchP99Ratio: number;
    firstTouchFloorP99Ratio: number;
  };
  supernode: {
    holdersWanted: number;
    holdersLoaded: number;
    shared: boolean | null;
    loadSeconds: number;
    loadFinished: boolean;
    before: Stage['resolve'];
    after: Stage['resolve'];
    p99Ratio: { c1: number; c8: number; c1FirstTouch: number };
    floorP99Ratio: { c1: number; c8: number };
  };
}): string {
  const cell = (l: Latency) => `${l.medianMs} / ${l.p99Ms} ms, ${l.perSecond}/s`;
  const s = r.supernode;
  return [
    `# Growth ${r.measuredAt} (${r.commit})`,
    '',
    `${r.machine}; ${r.neo4j}. One world loaded by \`idgraph import\` in stages; the same identifiers`,
    'resolved after each (the six stories’ use cases in turn), beside the floor, measured in turns.',
    '',
    'Each cell: median / p99, calls per second. c1 first touch: the calls one at a time, the first time',
    'they are made at this size; c1: the same calls again.',
    '',
    '| events | import events/s | resolve c1 first touch | floor | resolve c1 | floor | resolve c8 | floor | Neo4j RSS |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...r.stages.map(
      (x) =>
        `| ${x.events.toLocaleString('en')} | ${x.importEventsPerSecond} | ${cell(x.resolve.c1FirstTouch.api)} | ${cell(x.resolve.c1FirstTouch.floor)} | ${cell(x.resolve.c1.api)} | ${cell(x.resolve.c1.floor)} | ${cell(x.resolve.c8.api)} | ${cell(x.resolve.c8.floor)} | ${x.neo4jRssMiB ?? '–'} MiB |`,
    ),
    '',
    `- Resolve p99 at ${r.growth.to.toLocaleString('en')} events: **${r.growth.p99Ratio}×** its p99 at ${r.growth.from.toLocaleString('en')} (median ${r.growth.medianRatio}×; the floor's p99 ${r.growth.floorP99Ratio}×); on first touch ${r.growth.firstTouchP99Ratio}× (the floor's ${r.growth.firstTouchFloorP99Ratio}×). Target ≤ 1.3×.`,
    `- Supernode: ${s.holdersLoaded.toLocaleString('en')} of ${s.holdersWanted.toLocaleString('en')} holders of one phone loaded in ${s.loadSeconds} s (${s.loadFinished ? 'all' : 'stopped at the budget'}; shared: ${s.shared}).`,
    `- Everyone else's resolve after it: p99 **${s.p99Ratio.c1}×** before at c1, ${s.p99Ratio.c8}× at c8, ${s.p99Ratio.c1FirstTouch}× on first touch (the floor's: ${s.floorP99Ratio.c1}×, ${s.floorP99Ratio.c8}×); c1 ${cell(s.before.c1.api)} → ${cell(s.after.c1.api)}. Target within 10%.`,
    '',
  ].join('\n');
}

await main();
