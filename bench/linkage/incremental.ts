// `npm run bench:suggest-latency [-- --events 1000000 --records 100000 --samples 200]`: how soon after
// its ingest committed a new persona's link suggestion is visible, on a big graph. The graph: `--events`
// generated events (bench/generate.ts, loaded with `idgraph import --bulk`: a million events in minutes),
// then `--records` linkage records (bench/linkage/generate.ts) through the GraphQL ingest, the matching
// model defined and trained with one whole pass. Then `--samples` held-out duplicates, each of a person
// already loaded under another id (so exact grouping cannot join them), are ingested one at a time;
// for each, the time from the ingest's answer (its transaction committed just before) to the
// LINK_SUGGESTED change naming it on a graphql-ws subscription, which is when an integrator or the
// review queue can see it. Serve runs as configured (MATCHING_INCREMENTAL_MS).
// Writes bench/results/<date>-suggest-latency-<events>-<records>.json and .md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { loadConfig, projectRoot } from '../../src/config.js';
import { openDatabase } from '../../src/graph/database.js';
import { migrate } from '../../src/graph/migrations.js';
import { writeDataset } from '../generate.js';
import { importInto } from '../import-bulk.js';
import { argument, batches, client, gitCommit, log, percentile, round, startApi } from '../harness.js';
import { entityOf, generateRecords, type LinkageRecord } from './generate.js';
import { eventOf, idType, matchingModel, personaKey } from './records.js';

process.env.ERASURE_SECRET ??= randomBytes(24).toString('hex');
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `idgraph import --bulk` of `events` generated events into the empty store `home`; its seconds. */
async function bulkLoad(home: string, events: number) {
  const file = path.join(home, '..', `${path.basename(home)}-events.jsonl`);
  await writeDataset(file, { size: events, seed: 1 });
  try {
    return (await importInto(home, file, true, '1000')).seconds;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/**
 * Duplicates whose id differs from every other record of their person (mistyped or missing), so only a
 * suggestion can join them, and whose person has another record in the loaded part: the last such
 * records of the file, `count` of them.
 */
function holdOut(records: LinkageRecord[], count: number) {
  const ids = new Map<string, string[]>();
  for (const x of records)
    ids.set(entityOf(x.rec_id), [...(ids.get(entityOf(x.rec_id)) ?? []), x.soc_sec_id]);
  const held = new Set<LinkageRecord>();
  for (let n = records.length - 1; n >= 0 && held.size < count; n--) {
    const x = records[n]!;
    const same = ids.get(entityOf(x.rec_id))!;
    if (!x.rec_id.includes('-dup-') || same.length < 2) continue;
    if (x.soc_sec_id !== '' && same.filter((id) => id === x.soc_sec_id).length > 1) continue;
    held.add(x);
  }
  return { loaded: records.filter((x) => !held.has(x)), held: [...held] };
}

async function main() {
  const events = Number(argument('events', '1000000'));
  const recordCount = Number(argument('records', '100000'));
  const samples = Number(argument('samples', '200'));
  const timeoutMs = 10_000;
  const started = new Date();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-bench-suggest-'));
  const loadSeconds = events > 0 ? await bulkLoad(home, events) : 0;
  if (events > 0) log(`${events} generated events loaded with import --bulk in ${round(loadSeconds)} s`);
  const config = loadConfig({
    ...process.env,
    NEO4J_URI: '',
    NEO4J_HOME: home,
    PORT: '0',
    NODE_ENV: 'production',
  });
  const db = await openDatabase(config, log);
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  let ws: ReturnType<typeof createClient> | undefined;
  try {
    await migrate(db.graph, () => {});
    api = await startApi(db.uri);
    const gql = client(api.url);
    await gql('mutation ($t: IdentifierTypeInput!) { defineIdentifierType(input: $t) { name } }', {
      t: idType,
    });
    const { loaded, held } = holdOut(generateRecords({ records: recordCount, seed: 1 }), samples);
    let ingestStarted = performance.now();
    const queue = [...batches(loaded.map(eventOf), 1_000)];
    await Promise.all(
      [0, 1].map(async () => {
        for (let batch = queue.shift(); batch; batch = queue.shift())
          await gql('mutation ($e: [EventInput!]!) { ingest(events: $e) { accepted } }', { e: batch });
      }),
    );
    const ingestSeconds = (performance.now() - ingestStarted) / 1000;
    log(`${loaded.length} linkage records ingested in ${round(ingestSeconds)} s`);
    await gql('mutation ($m: MatchingInput!) { defineMatching(input: $m) { threshold } }', {
      m: matchingModel,
    });
    ingestStarted = performance.now();
    const { data } = await gql('mutation { suggestLinks(input: { train: true }) { candidates suggested } }');
    const passSeconds = (performance.now() - ingestStarted) / 1000;
    log(`trained and one whole pass in ${round(passSeconds)} s: ${JSON.stringify(data!.suggestLinks)}`);

    // Persona keys are not ids: the ingest's changes name ids, so each sample's id comes from the
    // PERSONA_CREATED of its event, seen on the same subscription.
    const arrivals = new Map<string, number>();
    const created = new Map<string, string>();
    ws = createClient({ url: api.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    await new Promise<void>((resolve, reject) => {
      ws!.subscribe(
        {
          query: `subscription { changes(types: [LINK_SUGGESTED, PERSONA_CREATED]) { type personaIds data } }`,
        },
        {
          next: (result) => {
            const change = result.data?.changes as
              { type: string; personaIds: string[]; data: { key?: string } | null } | undefined;
            if (!change) return;
            if (change.type === 'PERSONA_CREATED' && change.data?.key)
              created.set(change.data.key, change.personaIds[0]!);
            if (change.type === 'LINK_SUGGESTED')
              for (const id of change.personaIds) if (!arrivals.has(id)) arrivals.set(id, now());
          },
          error: (error) => reject(new Error(JSON.stringify(error))),
          complete: () => {},
        },
      );
      // The subscription is live once the server has answered anything on it; a short wait suffices.
      setTimeout(resolve, 500);
    });

    const latencies: number[] = [];
    /** The ingest's own round trip, for scale: not part of the delay measured. */
    const ingestMs: number[] = [];
    let missing = 0;
    for (const [n, record] of held.entries()) {
      const sent = now();
      const committed = await gql('mutation ($e: [EventInput!]!) { ingest(events: $e) { accepted } }', {
        e: [eventOf(record)],
      }).then(() => now());
      ingestMs.push(committed - sent);
      const key = personaKey(record);
      const deadline = committed + timeoutMs;
      let at: number | undefined;
      while (now() < deadline) {
        const id = created.get(key);
        at = id ? arrivals.get(id) : undefined;
        if (at !== undefined) break;
        await sleep(2);
      }
      if (at === undefined) missing++;
      else latencies.push(at - committed);
      if ((n + 1) % 50 === 0) log(`${n + 1} of ${held.length} samples`);
      // Each alone: the latency of one persona, not of a queue.
      await sleep(50);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const result = {
      started: started.toISOString(),
      commit: gitCommit(),
      machine: `${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)} (shared), Node ${process.version}`,
      graph: {
        generatedEvents: events,
        linkageRecords: loaded.length,
        loadSeconds: round(loadSeconds),
        ingestSeconds: round(ingestSeconds),
      },
      wholePass: { seconds: round(passSeconds), ...(data!.suggestLinks as object) },
      incrementalMs: process.env.MATCHING_INCREMENTAL_MS ?? 'default',
      samples: held.length,
      withoutSuggestion: missing,
      latencyMs: {
        p50: round(percentile(sorted, 0.5)),
        p95: round(percentile(sorted, 0.95)),
        p99: round(percentile(sorted, 0.99)),
        max: round(sorted.at(-1) ?? NaN),
      },
      ingestRoundTripMs: (() => {
        const byTime = [...ingestMs].sort((a, b) => a - b);
        return { p50: round(percentile(byTime, 0.5)), p95: round(percentile(byTime, 0.95)) };
      })(),
      /** In the order measured: whether the slow ones are the first (a cold JIT, cold pages) or spread. */
      latenciesMs: latencies.map((ms) => round(ms)),
    };
    log(JSON.stringify(result));
    const stamp = started.toISOString().slice(0, 16).replace(':', '');
    const base = path.join(projectRoot, 'bench/results', `${stamp}-suggest-latency-${events}-${recordCount}`);
    fs.writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
    fs.writeFileSync(
      `${base}.md`,
      [
        `# Incremental link suggestions, ${started.toISOString()} (${result.commit})`,
        '',
        `${result.machine}. Graph: ${events} generated events (import --bulk, ${result.graph.loadSeconds} s) and ${loaded.length} linkage records (GraphQL ingest, ${result.graph.ingestSeconds} s); trained with one whole pass in ${result.wholePass.seconds} s.`,
        '',
        `From a held-out duplicate's ingest answered (committed) to its LINK_SUGGESTED on a subscription, ${latencies.length} of ${held.length} samples one at a time (${missing} without a suggestion within ${timeoutMs / 1000} s):`,
        '',
        '| p50 | p95 | p99 | max |',
        '|---|---|---|---|',
        `| ${result.latencyMs.p50} ms | ${result.latencyMs.p95} ms | ${result.latencyMs.p99} ms | ${result.latencyMs.max} ms |`,
        '',
      ].join('\n'),
    );
    log(`wrote ${base}.md`);
  } finally {
    await ws?.dispose();
    await api?.stop();
    await db.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

await main();
