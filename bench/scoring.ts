// `npm run bench:scoring -- --size 1m`: a scoring run over a generated dataset of that size, loaded as
// a data engineer loads it (`idgraph import`) and scored as an operator scores it (`idgraph score`),
// while the API answers resolutions one at a time: personas scored per second, the peak resident
// memory of Neo4j and of the scoring process, and the reads' p99 during the run against before.
// Writes bench/results/<date>-scoring-<size>.json and .md.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, projectRoot } from '../src/config.js';
import { openDatabase } from '../src/graph/database.js';
import { migrate } from '../src/graph/migrations.js';
import { generateEvents, writeDataset } from './generate.js';
import {
  client,
  gitCommit,
  importFile,
  log,
  resolveQuery,
  round,
  rssMiB,
  run,
  startApi,
  summarize,
  useCases,
  benchOptions,
} from './harness.js';

const { sizeName, size } = benchOptions({ size: '10k', supernodeSeconds: 0 });

const useCase = useCases.find((u) => u.input.name === 'bench-side-business')!.input;
const resolveOne = (gql: ReturnType<typeof client>, identifier: { type: string; value: string }) =>
  gql(resolveQuery, { identifier, useCase: useCase.name });

/** `idgraph score` as an operator runs it, its resident memory sampled while it runs. */
function score(uri: string, neo4jPid: number | null) {
  return new Promise<{ stdout: string; status: number | null; peak: { cli: number; neo4j: number } }>(
    (resolve) => {
      const child = spawn(process.execPath, [path.join(projectRoot, 'dist/cli/idgraph.js'), 'score'], {
        env: { ...process.env, NEO4J_URI: uri, NODE_ENV: 'production' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const peak = { cli: 0, neo4j: 0 };
      const timer = setInterval(() => {
        peak.cli = Math.max(peak.cli, rssMiB(child.pid!) ?? 0);
        if (neo4jPid) peak.neo4j = Math.max(peak.neo4j, rssMiB(neo4jPid) ?? 0);
      }, 200);
      let stdout = '';
      child.stdout!.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
      child.once('close', (status) => {
        clearInterval(timer);
        resolve({ stdout, status, peak });
      });
    },
  );
}

async function main() {
  const started = new Date();
  const commit = gitCommit();
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-bench-scoring-'));
  const file = path.join(store, 'events.jsonl');
  const config = loadConfig({ ...process.env, NEO4J_URI: '', NEO4J_HOME: store, NODE_ENV: 'production' });
  const db = await openDatabase(config, log);
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  try {
    await migrate(db.graph, () => {});
    await writeDataset(file, { size, seed: 2 });
    let t = performance.now();
    const imported = await importFile(db.uri, file, 1_000);
    const importSeconds = (performance.now() - t) / 1000;
    if (imported.status !== 0) throw new Error(`idgraph import failed: ${imported.stderr.slice(-2_000)}`);
    log(`imported ${size} events in ${round(importSeconds)} s`);

    api = await startApi(db.uri);
    const url = api.url;
    const gql = client(url);
    await gql('mutation ($input: UseCaseInput!) { defineUseCase(input: $input) { name } }', {
      input: useCase,
    });
    const emails: { type: string; value: string }[] = [];
    for (const e of generateEvents({ size: Math.min(size, 10_000), seed: 2 })) {
      for (const id of e.type === 'signup' ? (e.actor.identifiers ?? []) : []) {
        if (id.type === 'email' && emails.length < 2_000) emails.push(id);
      }
    }
    const resolveAt = async (n: number) => void (await resolveOne(gql, emails[(n * 7_919) % emails.length]!));

    const before = await run(1, 0, 300, resolveAt);
    const readsBefore = summarize(before.latencies, before.seconds);
    t = performance.now();
    let done = false;
    const scoring = score(db.uri, db.embedded?.pid ?? null).finally(() => (done = true));
    const latencies: number[] = [];
    const t0 = performance.now();
    while (!done) {
      const t1 = performance.now();
      await resolveAt(latencies.length);
      latencies.push(performance.now() - t1);
    }
    const scored = await scoring;
    const scoringSeconds = (performance.now() - t) / 1000;
    if (scored.status !== 0) throw new Error(`idgraph score failed (${scored.status})`);
    const outcome = JSON.parse(scored.stdout.trim().split('\n').pop()!) as {
      personas: number;
      changed: number;
      groupsChanged: number;
    };
    const readsDuring = summarize(latencies, (performance.now() - t0) / 1000);
    const result = {
      size,
      started: started.toISOString(),
      commit,
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      import: { seconds: round(importSeconds), eventsPerSecond: Math.round(size / importSeconds) },
      scoring: {
        ...outcome,
        seconds: round(scoringSeconds),
        personasPerSecond: Math.round(outcome.personas / scoringSeconds),
        peakRssMiB: scored.peak,
      },
      readsBefore,
      readsDuring,
      p99RatioDuring: round(readsDuring.p99Ms / readsBefore.p99Ms, 2),
    };
    log(JSON.stringify(result));
    const stamp = result.started.slice(0, 16).replace(':', '');
    const base = path.join(projectRoot, 'bench/results', `${stamp}-scoring-${sizeName}`);
    fs.writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
    fs.writeFileSync(
      `${base}.md`,
      [
        `# Scoring run over ${size.toLocaleString('en')} generated events, ${result.started} (${commit})`,
        '',
        `${result.machine}; embedded Community 5.26 (heap ${config.neo4j.heap}, page cache ${config.neo4j.pageCacheMb} MiB).`,
        '',
        `- Loaded by \`idgraph import\`: ${result.import.eventsPerSecond} events/s (${result.import.seconds} s).`,
        `- \`idgraph score\`: ${outcome.personas} personas scored in ${result.scoring.seconds} s (${result.scoring.personasPerSecond}/s); ${outcome.changed} engagement changes, ${outcome.groupsChanged} digital-group changes.`,
        `- Peak resident memory: Neo4j ${scored.peak.neo4j} MiB, the scoring process ${scored.peak.cli} MiB.`,
        `- Resolutions served one at a time: before, median ${readsBefore.medianMs} ms, p99 ${readsBefore.p99Ms} ms; during (${readsDuring.calls} of them), median ${readsDuring.medianMs} ms, p99 ${readsDuring.p99Ms} ms (p99 ${result.p99RatioDuring}×).`,
        '',
      ].join('\n'),
    );
    log(`wrote ${base}.md`);
  } finally {
    await api?.stop();
    await db.close();
    fs.rmSync(store, { recursive: true, force: true });
  }
}

await main();
