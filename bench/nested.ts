// `npm run bench:nested -- [--size 5000] [--calls 200]`: nested reads of several shapes, ours beside
// @neo4j/graphql's (bench/peer.ts) on the same database, with each one's database round trips per
// request. Shapes the bench's main nested read does not ask (issue #27: "a frontend's query is
// whatever its screen needs"), the issue's example first. Runs on its own embedded Neo4j in a
// temporary store; writes bench/results/<date>-nested.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, projectRoot } from '../src/config.js';
import { openDatabase } from '../src/graph/database.js';
import { migrate } from '../src/graph/migrations.js';
import { generateEvents } from './generate.js';
import {
  argument,
  batches,
  benchOptions,
  client,
  compare,
  gitCommit,
  log,
  round,
  startApi,
} from './harness.js';
import { startPeer } from './peer.js';

const { size } = benchOptions({ size: '5000', supernodeSeconds: 0 });
const calls = Number(argument('calls', '200'));
const keysPerRequest = 20;

/** Selections both APIs answer (the peer's type definitions know personas, identifiers and devices). */
export const nestedShapes: Record<string, string> = {
  // The issue's example: identifiers and devices side by side, the devices' personas below.
  'issue #27 example': 'key identifiers { type value } devices { id personas { key } }',
  // The bench's main nested read, for reference (the one shape the look-ahead recognized before).
  'bench main shape': 'key identifiers { type value devices { id personas { key } } }',
  'aliases, one field twice': 'key short: identifiers { type } long: identifiers { value personas { key } }',
  'devices first, three levels': 'key devices { id kind identifiers { type value personas { key } } }',
  'four levels': 'key identifiers { value personas { key devices { id identifiers { type } } } }',
};

async function main() {
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-bench-nested-'));
  const config = loadConfig({
    ...process.env,
    NEO4J_URI: '',
    NEO4J_HOME: store,
    PORT: '0',
    NODE_ENV: 'production',
  });
  const db = await openDatabase(config, log);
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  let peer: Awaited<ReturnType<typeof startPeer>> | undefined;
  try {
    await migrate(db.graph, () => {});
    api = await startApi(db.uri);
    const gql = client(api.url);
    const events = [...generateEvents({ size, seed: 1 })];
    for (const batch of batches(events, 1_000)) {
      await gql('mutation ($events: [EventInput!]!) { ingest(events: $events) { accepted } }', {
        events: batch,
      });
    }
    const personaKeys = events.filter((e) => e.type === 'signup').map((e) => e.actor.persona!.key);
    log(`${events.length} events, ${personaKeys.length} signup personas; API at ${api.url}`);
    const keysFor = (n: number) =>
      Array.from(
        { length: keysPerRequest },
        (_, i) => personaKeys[(n * keysPerRequest + i) % personaKeys.length]!,
      );
    peer = await startPeer(db.driver);
    const peerGql = client(peer.url);
    const results: Record<string, unknown> = {};
    for (const [name, fields] of Object.entries(nestedShapes)) {
      const ours = `query ($keys: [String!]!) { personas(keys: $keys) { ${fields} } }`;
      const theirs = `query ($keys: [String!]!) { personas(where: { key: { in: $keys } }) { ${fields} } }`;
      await gql(ours, { keys: keysFor(0) });
      const oursRoundTrips = (await gql(ours, { keys: keysFor(0) })).extensions?.dbRoundTrips ?? null;
      await peerGql(theirs, { keys: keysFor(1) });
      peer.resetRoundTrips();
      await peerGql(theirs, { keys: keysFor(0) });
      const peerRoundTrips = peer.roundTrips();
      const c1 = await compare(1, calls, {
        ours: async (n: number) => void (await gql(ours, { keys: keysFor(n) })),
        peer: async (n: number) => void (await peerGql(theirs, { keys: keysFor(n) })),
      });
      const ratio = round(c1.ours.medianMs / c1.peer.medianMs, 2);
      results[name] = { fields, roundTrips: { ours: oursRoundTrips, peer: peerRoundTrips }, c1, ratio };
      log(
        `${name}: ours ${c1.ours.medianMs} ms (${oursRoundTrips} rt), peer ${c1.peer.medianMs} ms (${peerRoundTrips} rt): ${ratio}×`,
      );
    }
    const iso = new Date().toISOString();
    const out = path.join(
      projectRoot,
      'bench/results',
      `${iso.slice(0, 10)}T${iso.slice(11, 16).replace(':', '')}-nested.json`,
    );
    const report = { commit: gitCommit(), size, keysPerRequest, calls, loadAvg: os.loadavg(), results };
    fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    log(`written to ${path.relative(projectRoot, out)}`);
  } finally {
    await peer?.stop();
    await api?.stop();
    await db.close();
    fs.rmSync(store, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
