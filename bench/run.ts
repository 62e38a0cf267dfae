// `npm run bench -- --size 10k|100k|1m [--no-bulk]`: the whole performance picture in one run on one embedded
// Neo4j, every figure beside its floor (the same work as hand-written Cypher over the driver) as a
// ratio. Writes bench/results/<date>.json and bench/results/<date>.md.
//
// The API runs as its own process (`idgraph serve`, built from src by the npm script), so its
// resident memory is the API's alone; the bench process is the client, the floors and the peer.
// Three worlds from the generator, with different seeds so their keys never meet: seed 1 through
// GraphQL (measured at 10k on the way up for growth), seed 3 by the ingest floor (a batch after each
// GraphQL batch), seed 2 through `idgraph import`. Resolve and nested reads run over all of them.
// Contenders are measured in turns (compare()) so a busy shared machine's noise falls on each alike.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../src/config.js';
import { generateEvents, writeDataset, type GeneratedEvent } from './generate.js';
import {
  resolveSamples,
  batches,
  gitCommit,
  client,
  compare,
  floorRead,
  importFile,
  load,
  log,
  resolveQuery,
  useCases,
  rssMiB,
  round,
  run,
  sampleRss,
  startApi,
  summarize,
  supernodePhone,
  type Latency,
  defineUseCases,
  loadSupernode,
  resolveContenders,
  benchOptions,
  floorText,
  openBenchDatabase,
} from './harness.js';
import { bulkImportMarkdown, measureBulkImport, type BulkImportFigures } from './import-bulk.js';
import { benchNestedShapes, nestedShapesMarkdown, type ShapeFigures } from './nested-shapes.js';
import { startPeer } from './peer.js';
import { benchResolveMany, resolveManyMarkdown, resolveManyResult } from './resolve-many.js';

const { sizeName, size, supernodeHolders, supernodeBudgetSeconds, callsPerLevel } = benchOptions({
  size: '10k',
  supernodeSeconds: 240,
});
const batchSize = 1_000;

/** The floor's rows: what the ingest floor writes for an event, values as given (no normalization). */
function floorRow(e: GeneratedEvent) {
  return {
    id: e.id,
    type: e.type,
    occurredAt: e.occurredAt,
    source: e.source,
    campaign: e.campaign ?? null,
    purpose: e.purpose ?? null,
    personaKey: e.actor.persona?.key ?? null,
    context: e.actor.persona?.context ?? null,
    authenticated: e.actor.authenticated ?? false,
    deviceId: e.actor.device?.id ?? null,
    identifiers: e.actor.identifiers ?? [],
    mentions: (e.mentions ?? []).map((m) => ({
      role: m.role,
      type: m.identifier.type,
      value: m.identifier.value,
    })),
    consents: (e.consents ?? []).map((c) => ({ purpose: c.purpose, channel: c.channel, granted: c.granted })),
  };
}

const nestedFields = 'key identifiers { type value devices { id personas { key } } }';

async function main() {
  const started = new Date();
  const commit = gitCommit();
  const { config, db, close } = await openBenchDatabase('idgraph-bench-');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-bench-data-'));
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  let peer: Awaited<ReturnType<typeof startPeer>> | undefined;
  const loadAvg: number[][] = [os.loadavg()];
  try {
    api = await startApi(db.uri);
    const gql = client(api.url);
    log(`API at ${api.url} (pid ${api.child.pid}), Neo4j at ${db.uri}, size ${size}`);

    // Samples to resolve: identifiers of seed 1's first 10k events, so growth compares like with like.
    const sampleEvents = [...generateEvents({ size: Math.min(size, 10_000), seed: 1 })];
    const samples = await resolveSamples(db.graph, config, sampleEvents);
    const personaKeys = sampleEvents
      .filter((e) => e.type === 'signup')
      .slice(0, 2_000)
      .map((e) => e.actor.persona!.key);
    await defineUseCases(gql);
    const resolveContender = resolveContenders(gql, db.driver, samples);
    const resolveCall = resolveContender.call;
    const apiResolve = resolveContender.api;
    const floorResolve = resolveContender.floor;
    const resolveAt = async (concurrency: number, calls = callsPerLevel) =>
      (await compare(concurrency, calls, { api: apiResolve })).api;

    // 1. Ingest through GraphQL, 1,000 events a mutation, beside the floor; growth at 10k on the way.
    const ingestMutation = /* GraphQL */ `
      mutation ($events: [EventInput!]!) {
        ingest(events: $events) {
          accepted
          duplicates
          rejected {
            index
            message
          }
        }
      }
    `;
    // The floor (seed 3): one hand-written UNWIND per batch of 1,000 over the driver, a batch after
    // each GraphQL batch so both see the same machine.
    const ingestFloorText = floorText('ingest-floor');
    const floorBatches = batches(generateEvents({ size, seed: 3 }), batchSize);
    let floorIngestMs = 0;
    const floorBatch = async () => {
      const next = floorBatches.next();
      if (next.done) return;
      const rows = next.value.map(floorRow);
      const t = performance.now();
      const session = db.driver.session();
      try {
        await session.executeWrite((tx) => tx.run(ingestFloorText, { rows }));
      } finally {
        await session.close();
      }
      floorIngestMs += performance.now() - t;
    };
    // Warm-up, not timed: one full batch of another world each way (seeds 4 and 5), so the first timed
    // batches do not pay for Neo4j planning the ingest statements and the JVM compiling the code they
    // run (the first batch of 1,000 took 12 s of Neo4j CPU, a warm one 1.2 s), while the floor's one
    // statement plans in milliseconds.
    await gql(ingestMutation, { events: [...generateEvents({ size: batchSize, seed: 4 })] });
    {
      const rows = [...generateEvents({ size: batchSize, seed: 5 })].map(floorRow);
      const session = db.driver.session();
      try {
        await session.executeWrite((tx) => tx.run(ingestFloorText, { rows }));
      } finally {
        await session.close();
      }
    }
    let apiIngestMs = 0;
    let apiRejected = 0;
    let loaded = 0;
    const growth: Record<string, Latency> = {};
    const apiIngestMemory = await sampleRss(api.child.pid!, async () => {
      for (const batch of batches(generateEvents({ size, seed: 1 }), batchSize)) {
        const t = performance.now();
        const body = await gql(ingestMutation, { events: batch });
        apiIngestMs += performance.now() - t;
        await floorBatch();
        const result = body.data!.ingest as { rejected: { index: number; message: string }[] };
        apiRejected += result.rejected.length;
        if (result.rejected.length && apiRejected <= 5)
          log(`rejected: ${JSON.stringify(result.rejected[0])}`);
        loaded += batch.length;
        if (loaded === 10_000 && size > 10_000) {
          growth['10k'] = await resolveAt(1);
          log(`growth at 10k: ${JSON.stringify(growth['10k'])}`);
        }
        if (loaded % 10_000 === 0) log(`GraphQL ingest: ${loaded} events`);
      }
    });
    log(`GraphQL ingest: ${Math.round(size / (apiIngestMs / 1000))} events/s, ${apiRejected} rejected`);
    log(`ingest floor: ${Math.round(size / (floorIngestMs / 1000))} events/s`);
    loadAvg.push(os.loadavg());

    // 2. The same amount through `idgraph import` (seed 2), as a data engineer runs it.
    const file = path.join(dataDir, 'events.jsonl');
    await writeDataset(file, { size, seed: 2 });
    const t = performance.now();
    const imported = await importFile(db.uri, file, batchSize);
    const importMs = performance.now() - t;
    if (imported.status !== 0) throw new Error(`idgraph import failed: ${imported.stderr.slice(-2_000)}`);
    const importSummary = JSON.parse(imported.stdout.trim().split('\n').pop()!) as {
      accepted: number;
      rejected: number;
    };
    log(`import: ${Math.round(size / (importMs / 1000))} events/s (process start included)`);
    loadAvg.push(os.loadavg());

    // 4. Resolve at concurrency 1, 8 and 32, beside the floor; the API's memory under load.
    const resolveRoundTrips: Record<string, number | null> = {};
    for (const [n, useCase] of useCases.entries()) {
      // Warm: the first call after a busy ingest may read the use case again (the feed that keeps the
      // definitions cache may have dropped it); the count that matters is every call after that.
      await gql(resolveQuery, resolveCall(n));
      const body = await gql(resolveQuery, resolveCall(n));
      resolveRoundTrips[useCase.input.name] = body.extensions?.dbRoundTrips ?? null;
    }
    log(`resolve round trips: ${JSON.stringify(resolveRoundTrips)}`);
    const resolve: Record<string, { api: Latency; floor: Latency; apiPeakRssMiB: number | null }> = {};
    for (const concurrency of [1, 8, 32]) {
      const measured = await sampleRss(api.child.pid!, () =>
        compare(concurrency, callsPerLevel, { api: apiResolve, floor: floorResolve }),
      );
      const { api: apiLatency, floor } = measured.result;
      resolve[`c${concurrency}`] = { api: apiLatency, floor, apiPeakRssMiB: measured.peakMiB };
      log(`resolve c${concurrency}: api ${JSON.stringify(apiLatency)} floor ${JSON.stringify(floor)}`);
    }
    growth[sizeName] = resolve.c1!.api;
    loadAvg.push(os.loadavg());

    // 4b. resolveMany in batches of 100 and 1,000, beside an UNWIND floor and the single calls above.
    const resolveMany = resolveManyResult(await benchResolveMany(gql, db.driver, samples), resolve.c8!);
    log(`resolveMany: ${JSON.stringify(resolveMany)}`);
    loadAvg.push(os.loadavg());

    // 5. Nested reads: 50 personas → identifiers → devices → other personas, ours, the peer's, the floor.
    const keysFor = (n: number) =>
      Array.from({ length: 50 }, (_, i) => personaKeys[(n * 50 + i) % personaKeys.length]!);
    // The same shape as the peer's: one list field with the 50 keys (Query.personas).
    const nestedOurs = `query ($keys: [String!]!) { personas(keys: $keys) { ${nestedFields} } }`;
    const oursVariables = (n: number) => ({ keys: keysFor(n) });
    peer = await startPeer(db.driver);
    const peerQuery = `query ($keys: [String!]!) { personas(where: { key: { in: $keys } }) { ${nestedFields} } }`;
    const nestedFloorText = floorText('nested-floor');
    const oursRoundTrips = (await gql(nestedOurs, oursVariables(0))).extensions?.dbRoundTrips ?? null;
    const oursPersonas = ((await gql(nestedOurs, oursVariables(0))).data!.personas as unknown[]).filter(
      Boolean,
    ).length;
    const peerGql = client(peer.url);
    // The first request also checks the database version; count a warm one.
    await peerGql(peerQuery, { keys: keysFor(1) });
    peer.resetRoundTrips();
    const peerPersonas = ((await peerGql(peerQuery, { keys: keysFor(0) })).data!.personas as unknown[])
      .length;
    const peerRoundTrips = peer.roundTrips();
    const nestedCalls = Math.max(100, Math.round(callsPerLevel / 2));
    const nestedContenders = {
      ours: async (n: number) => void (await gql(nestedOurs, oursVariables(n))),
      peer: async (n: number) => void (await peerGql(peerQuery, { keys: keysFor(n) })),
      floor: async (n: number) => void (await floorRead(db.driver, nestedFloorText, { keys: keysFor(n) })),
    };
    const nested = {
      personasPerRequest: { ours: oursPersonas, peer: peerPersonas },
      roundTrips: { ours: oursRoundTrips, peer: peerRoundTrips, floor: 1 },
      c1: await compare(1, nestedCalls, nestedContenders),
      c8: await compare(8, nestedCalls, nestedContenders),
    };
    log(`nested: ${JSON.stringify(nested)}`);
    const trivial = await compare(1, nestedCalls, {
      ours: async () => void (await gql('{ __typename }')),
      peer: async () => void (await peerGql('{ __typename }')),
    });
    // 5a. Shapes the main nested read does not ask, 20 personas a request (bench/nested-shapes.ts).
    const shapeKeys = (n: number) => keysFor(n).slice(0, 20);
    const nestedShapes = await benchNestedShapes(gql, peer, shapeKeys, nestedCalls);
    await peer.stop();
    peer = undefined;
    loadAvg.push(os.loadavg());

    // 5b. A scoring run over everything loaded (computeScores, batched in Cypher), with one resolve at
    // a time served meanwhile: are reads still answered, and how much slower?
    const readsBeforeRun = await run(1, 0, 200, apiResolve);
    const readsBefore = summarize(readsBeforeRun.latencies, readsBeforeRun.seconds);
    const scoringStarted = performance.now();
    let scoringDone = false;
    const scoringCall = gql('mutation { computeScores { personas changed } }').finally(() => {
      scoringDone = true;
    });
    const neo4jPid = db.embedded?.pid ?? null;
    const scoringMeasured = await sampleRss(neo4jPid ?? api.child.pid!, async () => {
      const latencies: number[] = [];
      const t0 = performance.now();
      while (!scoringDone) {
        const t = performance.now();
        await apiResolve(latencies.length);
        latencies.push(performance.now() - t);
      }
      return { during: summarize(latencies, (performance.now() - t0) / 1000), body: await scoringCall };
    });
    const scoringSeconds = (performance.now() - scoringStarted) / 1000;
    const scored = (scoringMeasured.result.body.data?.computeScores ?? null) as {
      personas: number;
      changed: number;
    } | null;
    const scoring = {
      personas: scored?.personas ?? 0,
      changed: scored?.changed ?? 0,
      seconds: round(scoringSeconds),
      personasPerSecond: scored ? Math.round(scored.personas / scoringSeconds) : 0,
      neo4jPeakRssMiB: neo4jPid ? scoringMeasured.peakMiB : null,
      readsBefore,
      readsDuring: scoringMeasured.result.during,
      p99RatioDuring: round(scoringMeasured.result.during.p99Ms / readsBefore.p99Ms, 2),
    };
    log(`scoring: ${JSON.stringify(scoring)}`);
    loadAvg.push(os.loadavg());

    // 6. Supernode: one phone held by many personas (far over its limit of 5), loaded through the
    // import path within a time budget; then everyone else's resolution again.
    // Others before and after, each after a discarded round (a large import leaves Neo4j flushing and
    // sampling for a while), beside the floor: the floor's own p99 says how much of a change is the
    // machine's. Measured this way in bench/growth.ts, one run's verdict stopped swinging 1–2.4×.
    const others = async () => {
      await compare(8, 1_000, { api: apiResolve, floor: floorResolve });
      return compare(1, callsPerLevel, { api: apiResolve, floor: floorResolve });
    };
    const before = await others();
    const supernode = await loadSupernode(
      db.uri,
      db.graph,
      path.join(dataDir, 'supernode.jsonl'),
      supernodeHolders,
      supernodeBudgetSeconds,
    );
    const holders = supernode.holders;
    const supernodeSeconds = supernode.seconds;
    log(
      `supernode: ${JSON.stringify(holders)} holders in ${round(supernodeSeconds)} s (${supernode.finished ? 'all' : 'stopped at the budget'})`,
    );
    const after = await others();
    const supernodeItself = await load(1, 50, async () => {
      await gql(resolveQuery, {
        identifier: { type: 'phone', value: supernodePhone },
        useCase: 'bench-office-contact',
      });
    });
    loadAvg.push(os.loadavg());

    // 7. A first load both ways: `idgraph import` against `idgraph import --bulk`, each into a new
    // store of its own, the graphs compared (bench/import-bulk.ts). --no-bulk leaves it out.
    const bulkImport = process.argv.includes('--no-bulk') ? null : await measureBulkImport(size);
    loadAvg.push(os.loadavg());

    const ratio = (a: number, b: number) => round(a / b, 2);
    const apiPerSecond = Math.round(size / (apiIngestMs / 1000));
    const importPerSecond = Math.round(size / (importMs / 1000));
    const floorPerSecond = Math.round(size / (floorIngestMs / 1000));
    const result = {
      measuredAt: started.toISOString(),
      commit,
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      neo4j: `embedded Community 5.26, heap ${config.neo4j.heap}, page cache ${config.neo4j.pageCacheMb} MiB`,
      loadAverage1m: loadAvg.map((l) => round(l[0]!, 2)),
      size,
      ingest: {
        batchSize,
        graphql: {
          eventsPerSecond: apiPerSecond,
          rejected: apiRejected,
          ratioToFloor: ratio(apiPerSecond, floorPerSecond),
        },
        import: {
          eventsPerSecond: importPerSecond,
          accepted: importSummary.accepted,
          rejected: importSummary.rejected,
          ratioToFloor: ratio(importPerSecond, floorPerSecond),
        },
        floor: { eventsPerSecond: floorPerSecond },
        apiPeakRssMiB: apiIngestMemory.peakMiB,
      },
      resolveRoundTrips,
      resolve: Object.fromEntries(
        Object.entries(resolve).map(([level, r]) => [
          level,
          {
            ...r,
            medianRatio: ratio(r.api.medianMs, r.floor.medianMs),
            p99Ratio: ratio(r.api.p99Ms, r.floor.p99Ms),
            throughputRatio: ratio(r.api.perSecond, r.floor.perSecond),
          },
        ]),
      ),
      resolveMany,
      nested: {
        ...nested,
        medianRatioToPeer: {
          c1: ratio(nested.c1.ours.medianMs, nested.c1.peer.medianMs),
          c8: ratio(nested.c8.ours.medianMs, nested.c8.peer.medianMs),
        },
        medianRatioToFloor: {
          c1: ratio(nested.c1.ours.medianMs, nested.c1.floor.medianMs),
          c8: ratio(nested.c8.ours.medianMs, nested.c8.floor.medianMs),
        },
        typenameOnly: trivial,
      },
      nestedShapes,
      bulkImport,
      growth,
      scoring,
      supernode: {
        holdersWanted: supernodeHolders,
        holdersLoaded: holders?.n ?? 0,
        shared: holders?.shared ?? null,
        loadSeconds: round(supernodeSeconds),
        loadFinished: supernode.finished,
        othersBefore: before.api,
        othersAfter: after.api,
        p99Ratio: ratio(after.api.p99Ms, before.api.p99Ms),
        floorP99Ratio: ratio(after.floor.p99Ms, before.floor.p99Ms),
        resolvingTheSupernode: supernodeItself,
      },
      apiRssMiBAtEnd: rssMiB(api.child.pid!),
    };
    const stamp = started.toISOString().slice(0, 16).replace(':', '');
    const dir = path.join(projectRoot, 'bench/results');
    fs.mkdirSync(dir, { recursive: true });
    const base = path.join(dir, `${stamp}-${sizeName}`);
    fs.writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
    fs.writeFileSync(`${base}.md`, markdown(result));
    log(`wrote ${base}.json and .md`);
    console.log(markdown(result));
  } finally {
    await peer?.stop();
    await api?.stop();
    await close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The Markdown table: each figure beside its floor (and peer) as a ratio. */
function markdown(r: object): string {
  const x = r as unknown as {
    measuredAt: string;
    commit: string;
    machine: string;
    neo4j: string;
    size: number;
    loadAverage1m: number[];
    ingest: {
      graphql: { eventsPerSecond: number; ratioToFloor: number; rejected: number };
      import: { eventsPerSecond: number; ratioToFloor: number; rejected: number };
      floor: { eventsPerSecond: number };
      apiPeakRssMiB: number | null;
    };
    resolveRoundTrips: Record<string, number | null>;
    resolve: Record<
      string,
      {
        api: Latency;
        floor: Latency;
        apiPeakRssMiB: number | null;
        medianRatio: number;
        p99Ratio: number;
        throughputRatio: number;
      }
    >;
    resolveMany: ReturnType<typeof resolveManyResult>;
    nested: {
      roundTrips: { ours: number | null; peer: number; floor: number };
      c1: Record<'ours' | 'peer' | 'floor', Latency>;
      c8: Record<'ours' | 'peer' | 'floor', Latency>;
      typenameOnly: Record<'ours' | 'peer', Latency>;
    };
    nestedShapes: Record<string, ShapeFigures>;
    bulkImport: BulkImportFigures | null;
    growth: Record<string, Latency>;
    scoring: {
      personas: number;
      changed: number;
      seconds: number;
      personasPerSecond: number;
      neo4jPeakRssMiB: number | null;
      readsBefore: Latency;
      readsDuring: Latency;
      p99RatioDuring: number;
    };
    supernode: {
      holdersLoaded: number;
      shared: boolean | null;
      loadSeconds: number;
      loadFinished: boolean;
      othersBefore: Latency;
      othersAfter: Latency;
      p99Ratio: number;
      floorP99Ratio: number;
      resolvingTheSupernode: Latency;
    };
    apiRssMiBAtEnd: number | null;
  };
  const f = (n: number | null | undefined) => (n === null || n === undefined ? '–' : String(n));
  const q = (a: number, b: number) => (b ? `${(a / b).toFixed(2)}×` : '–');
  const lines = [
    `# Bench ${x.size} events, ${x.measuredAt} (${x.commit})`,
    '',
    `${x.machine}; ${x.neo4j}; 1-minute load average during the run: ${x.loadAverage1m.join(', ')}.`,
    '',
    '## Ingest (events/s, batches of 1,000)',
    '',
    '| path | events/s | floor | ratio to floor | rejected |',
    '|---|---|---|---|---|',
    `| GraphQL \`ingest\` | ${x.ingest.graphql.eventsPerSecond} | ${x.ingest.floor.eventsPerSecond} | ${x.ingest.graphql.ratioToFloor}× | ${x.ingest.graphql.rejected} |`,
    `| \`idgraph import\` (process start included) | ${x.ingest.import.eventsPerSecond} | ${x.ingest.floor.eventsPerSecond} | ${x.ingest.import.ratioToFloor}× | ${x.ingest.import.rejected} |`,
    '',
    "## Resolve over HTTP, the six stories' use cases (ms; calls/s)",
    '',
    '| concurrency | median | floor | ratio | p99 | floor | ratio | calls/s | floor | ratio | API peak RSS MiB |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...Object.entries(x.resolve).map(
      ([level, v]) =>
        `| ${level.slice(1)} | ${v.api.medianMs} | ${v.floor.medianMs} | ${v.medianRatio}× | ${v.api.p99Ms} | ${v.floor.p99Ms} | ${v.p99Ratio}× | ${v.api.perSecond} | ${v.floor.perSecond} | ${v.throughputRatio}× | ${f(v.apiPeakRssMiB)} |`,
    ),
    '',
    `Database round trips per resolution: ${Object.entries(x.resolveRoundTrips)
      .map(([k, v]) => `${k} ${f(v)}`)
      .join(', ')}; the floor 1.`,
    '',
    ...resolveManyMarkdown(x.resolveMany),
    '## Nested read: 50 personas → identifiers → devices → other personas (ms)',
    '',
    '| concurrency | ours median | peer (@neo4j/graphql) | ours/peer | floor | ours/floor | ours p99 | peer p99 |',
    '|---|---|---|---|---|---|---|---|',
    ...(['c1', 'c8'] as const).map((level) => {
      const v = x.nested[level];
      return `| ${level.slice(1)} | ${v.ours.medianMs} | ${v.peer.medianMs} | ${q(v.ours.medianMs, v.peer.medianMs)} | ${v.floor.medianMs} | ${q(v.ours.medianMs, v.floor.medianMs)} | ${v.ours.p99Ms} | ${v.peer.p99Ms} |`;
    }),
    `| \`{__typename}\` | ${x.nested.typenameOnly.ours.medianMs} | ${x.nested.typenameOnly.peer.medianMs} | ${q(x.nested.typenameOnly.ours.medianMs, x.nested.typenameOnly.peer.medianMs)} | | | | |`,
    '',
    `Database round trips per nested request: ours ${f(x.nested.roundTrips.ours)}, peer ${x.nested.roundTrips.peer}, floor ${x.nested.roundTrips.floor}.`,
    '',
    ...nestedShapesMarkdown(x.nestedShapes, 20),
    ...(x.bulkImport
      ? [
          `## A first load: \`idgraph import\` and \`import --bulk\` (${x.bulkImport.events} events, each into a new store, starts included)`,
          '',
          ...bulkImportMarkdown(x.bulkImport),
        ]
      : []),
    '## Scoring run (computeScores over everything loaded)',
    '',
    `${x.scoring.personas} personas scored in ${x.scoring.seconds} s (${x.scoring.personasPerSecond}/s), ${x.scoring.changed} changed; Neo4j peak RSS ${f(x.scoring.neo4jPeakRssMiB)} MiB. Resolves served one at a time meanwhile: ${x.scoring.readsDuring.calls}, median ${x.scoring.readsDuring.medianMs} ms and p99 ${x.scoring.readsDuring.p99Ms} ms during against ${x.scoring.readsBefore.medianMs} / ${x.scoring.readsBefore.p99Ms} ms before (p99 ${x.scoring.p99RatioDuring}×).`,
    '',
    '## Growth and the supernode (resolve, concurrency 1, ms)',
    '',
    '| graph | median | p99 |',
    '|---|---|---|',
    ...Object.entries(x.growth).map(([k, v]) => `| ${k} | ${v.medianMs} | ${v.p99Ms} |`),
    `| others, before the supernode | ${x.supernode.othersBefore.medianMs} | ${x.supernode.othersBefore.p99Ms} |`,
    `| others, after (${x.supernode.holdersLoaded} holders, shared: ${String(x.supernode.shared)}) | ${x.supernode.othersAfter.medianMs} | ${x.supernode.othersAfter.p99Ms} (${x.supernode.p99Ratio}×; the floor's ${x.supernode.floorP99Ratio}×) |`,
    `| resolving the supernode itself | ${x.supernode.resolvingTheSupernode.medianMs} | ${x.supernode.resolvingTheSupernode.p99Ms} |`,
    '',
    `Supernode load: ${x.supernode.holdersLoaded} holders in ${x.supernode.loadSeconds} s${x.supernode.loadFinished ? '' : ' (stopped at the time budget)'}. API RSS at the end: ${f(x.apiRssMiBAtEnd)} MiB; peak during ingest ${f(x.ingest.apiPeakRssMiB)} MiB.`,
    '',
  ];
  return lines.join('\n');
}

await main();
