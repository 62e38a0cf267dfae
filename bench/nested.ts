// `npm run bench:nested -- [--size 5000] [--calls 200]`: the nested shapes of bench/nested-shapes.ts
// alone (the one-command bench runs them too), on its own embedded Neo4j in a temporary store;
// writes bench/results/<date>-nested.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../src/config.js';
import { generateEvents } from './generate.js';
import {
  argument,
  batches,
  benchOptions,
  client,
  gitCommit,
  log,
  openBenchDatabase,
  startApi,
} from './harness.js';
import { benchNestedShapes } from './nested-shapes.js';
import { startPeer } from './peer.js';

const { size } = benchOptions({ size: '5000', supernodeSeconds: 0 });
const calls = Number(argument('calls', '200'));
const keysPerRequest = 20;

async function main() {
  const { db, close } = await openBenchDatabase('idgraph-bench-nested-');
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  let peer: Awaited<ReturnType<typeof startPeer>> | undefined;
  try {
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
    const results = await benchNestedShapes(gql, peer, keysFor, calls);
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
    await close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
