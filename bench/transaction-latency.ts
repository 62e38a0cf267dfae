// Per-transaction latency through the project's own Graph, one at a time: a managed write transaction
// sending 75 rows (a message of several Bolt chunks, where Nagle's algorithm and the server's delayed
// ACK once cost about 40 ms each), and one read statement (Graph.read). It measures the socket and
// retry choices of src/graph/ (docs/performance.md), not the database.
//
//   NEO4J_URI=bolt://… node --import ./bench/register-ts.mjs bench/transaction-latency.ts [--root dir] [--calls 200]
//
// --root runs another checkout's src/ (and so its node_modules' driver) on the same database: the
// figures before and after a change, side by side.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { argument, percentile, round } from './harness.js';

const root = path.resolve(argument('root', path.join(import.meta.dirname, '..')));
const calls = Number(argument('calls', '200'));
const load = (file: string) => import(pathToFileURL(path.join(root, file)).href);

const rows = Array.from({ length: 75 }, (_, n) => ({
  id: `latency-row-${n}`,
  type: 'email',
  value: `someone-${n}@latency.example`,
  at: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
}));

async function time(work: () => Promise<unknown>) {
  for (let n = 0; n < 20; n++) await work();
  const ms: number[] = [];
  for (let n = 0; n < calls; n++) {
    const t = performance.now();
    await work();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { medianMs: round(percentile(ms, 0.5), 2), p90Ms: round(percentile(ms, 0.9), 2) };
}

const { loadConfig } = await load('src/config.ts');
const { openDatabase } = await load('src/graph/database.ts');
if (!process.env.NEO4J_URI) throw new Error('NEO4J_URI: the database to measure against');
const db = await openDatabase(loadConfig({ ...process.env }), () => {});
try {
  const write = await time(() =>
    db.graph.runTextTx('UNWIND $rows AS r RETURN count(r) AS n', { rows }, 'WRITE'),
  );
  const read = await time(() => db.graph.read('identity/personas-by-keys', { keys: ['latency-none'] }));
  console.log(JSON.stringify({ root, node: process.version, calls, writeTx75Rows: write, singleRead: read }));
} finally {
  await db.close();
}
