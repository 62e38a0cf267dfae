// `npm run bench:import-bulk -- --size 10k`: `idgraph import` against `idgraph import --bulk` on the
// same generated events (seed 1), each into a new empty embedded store of its own, as a data engineer
// runs them (each command starts and stops its own Neo4j: that time is counted). Reports events per
// second both ways and whether the two graphs are the same (bench/graph-dump.ts). Writes
// bench/results/<date>-import-bulk-<size>.json and .md. The one-command bench (bench/run.ts) runs
// the same measurement (measureBulkImport) as its last step.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../src/config.js';
import { writeDataset } from './generate.js';
import { dumpStore } from './graph-dump.js';
import { argument, benchOptions, gitCommit, log, round } from './harness.js';

/** The command with its own embedded Neo4j in `home`; its wall time, summary and last lines. */
export function importInto(home: string, file: string, bulk: boolean, batch: string) {
  const { NEO4J_URI: _external, ...inherited } = process.env;
  const args = ['import', ...(bulk ? ['--bulk'] : []), file, '--batch', batch];
  const started = performance.now();
  return new Promise<{ seconds: number; summary: Record<string, unknown>; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, [path.join(projectRoot, 'dist/cli/idgraph.js'), ...args], {
        env: { ...inherited, NEO4J_HOME: home, NODE_ENV: 'production' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-4000)));
      child.once('close', (status) => {
        const seconds = (performance.now() - started) / 1000;
        if (status !== 0) reject(new Error(`idgraph ${args.join(' ')} failed:\n${stderr}`));
        else resolve({ seconds, summary: JSON.parse(stdout.trim().split('\n').at(-1)!) as never, stderr });
      });
    },
  );
}

export type BulkImportFigures = Awaited<ReturnType<typeof measureBulkImport>>;

/** Both commands over the same `size` generated events, each into a new store; the graphs compared. */
export async function measureBulkImport(size: number, batch = '1000') {
  const started = new Date();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-bench-bulk-'));
  try {
    const file = path.join(work, 'events.jsonl');
    await writeDataset(file, { size, seed: 1 });
    log(`${size} events in ${file}; idgraph import…`);
    const transactional = await importInto(path.join(work, 'transactional'), file, false, batch);
    log(`idgraph import: ${round(transactional.seconds)} s; idgraph import --bulk…`);
    const bulk = await importInto(path.join(work, 'bulk'), file, true, batch);
    log(`idgraph import --bulk: ${round(bulk.seconds)} s; comparing the graphs…`);
    const [expected, actual] = [
      await dumpStore(path.join(work, 'transactional')),
      await dumpStore(path.join(work, 'bulk')),
    ];
    const perSecond = (seconds: number) => Math.round(size / seconds);
    const result = {
      started: started.toISOString(),
      commit: gitCommit(),
      machine: `${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)} (shared)`,
      events: size,
      batch: Number(batch),
      import: { seconds: round(transactional.seconds), eventsPerSecond: perSecond(transactional.seconds) },
      bulk: { seconds: round(bulk.seconds), eventsPerSecond: perSecond(bulk.seconds) },
      ratio: round(transactional.seconds / bulk.seconds),
      sameGraph: expected === actual,
      dumpLines: expected.split('\n').length - 1,
    };
    log(JSON.stringify(result));
    return result;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The figures as a Markdown table, for this bench's file and the one-command bench's. */
export function bulkImportMarkdown(result: BulkImportFigures): string[] {
  return [
    '| path | seconds | events/s |',
    '| --- | --- | --- |',
    `| \`idgraph import\` | ${result.import.seconds} | ${result.import.eventsPerSecond} |`,
    `| \`idgraph import --bulk\` | ${result.bulk.seconds} | ${result.bulk.eventsPerSecond} |`,
    '',
    `--bulk is ${result.ratio}× as fast; same graph: ${result.sameGraph ? 'yes' : 'NO'} (${result.dumpLines} lines of bench/graph-dump.ts).`,
    '',
  ];
}

async function main() {
  const { sizeName, size } = benchOptions({ size: '10k', supernodeSeconds: 0 });
  const result = await measureBulkImport(size, argument('batch', '1000'));
  const base = path.join(
    projectRoot,
    'bench/results',
    `${result.started.slice(0, 10)}-import-bulk-${sizeName}`,
  );
  fs.writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
  fs.writeFileSync(
    `${base}.md`,
    [
      `# import --bulk, ${size} events (${result.started}, ${result.commit})`,
      '',
      `${result.machine}. Each command starts and stops its own embedded Neo4j on a new store; that time is counted.`,
      '',
      ...bulkImportMarkdown(result),
    ].join('\n'),
  );
  if (!result.sameGraph) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) await main();
