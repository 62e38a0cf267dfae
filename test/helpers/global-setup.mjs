// Starts one real Neo4j for the whole test run (or uses NEO4J_URI) and applies the migrations.
// Plain ESM over the built dist/: Jest loads global hooks outside its module transform.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../dist/config.js';
import { openDatabase } from '../../dist/graph/database.js';
import { migrate } from '../../dist/graph/migrations.js';
import { quietFiles } from './quiet-files.mjs';

export default async function globalSetup(globalConfig) {
  // NEO4J_PROVIDER=testcontainers: Neo4j 5.26 in a container (needs a Docker engine) instead of embedded.
  const external = Boolean(process.env.NEO4J_URI) || process.env.NEO4J_PROVIDER === 'testcontainers';
  const store = external ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-test-neo4j-'));
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', ...(store ? { NEO4J_HOME: store } : {}) });
  const db = await openDatabase(config, (line) => process.stderr.write(`${line}\n`));
  await migrate(db.graph);
  // Workers start after this hook and inherit the environment: they all reach this database.
  process.env.NEO4J_URI = db.uri;
  if (db.credentials) {
    process.env.NEO4J_USER = db.credentials.user;
    process.env.NEO4J_PASSWORD = db.credentials.password;
  }
  // The CLI tests find this database the way a data engineer's commands find a running service's.
  if (store) process.env.IDGRAPH_TEST_NEO4J_HOME = store;
  // CLI tests run commands with NODE_ENV=production, which requires its own erasure key.
  process.env.ERASURE_SECRET ??= randomBytes(24).toString('hex');
  globalThis.__IDGRAPH_TEST_DB__ = { db, store, quiet: startQuietDatabase(globalConfig) };
}

/**
 * The files that need a database nobody else writes to (figures over the whole graph) take turns on
 * one second Neo4j instead of starting one each: a Neo4j start costs 20 s of both cores on a quiet
 * machine, over a minute on a busy one, and its first queries run on a cold JVM. It starts in the
 * background while the first files run, and only when the run includes such a file; the helper
 * (startTestApiOnQuietDatabase in test/helpers/api.ts) waits for it, takes the turn and empties it.
 */
function startQuietDatabase(globalConfig) {
  const pattern = globalConfig?.testPathPattern ? new RegExp(globalConfig.testPathPattern, 'i') : null;
  const root = globalConfig?.rootDir ?? process.cwd();
  if (pattern && !quietFiles.some((file) => pattern.test(file) || pattern.test(path.join(root, file)))) {
    return undefined;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-test-quiet-'));
  process.env.IDGRAPH_TEST_QUIET_DIR = dir;
  const home = path.join(dir, 'store');
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    NEO4J_URI: '',
    NEO4J_HOME: home,
    NEO4J_HEAP: '512m',
  });
  const started = (async () => {
    const quiet = await openDatabase(config, () => {});
    await migrate(quiet.graph);
    return quiet;
  })();
  const published = started.then(
    (quiet) => ({
      uri: quiet.uri,
      user: quiet.credentials?.user ?? '',
      password: quiet.credentials?.password ?? '',
    }),
    (error) => ({ error: String(error?.stack ?? error) }),
  );
  void published.then((state) => {
    fs.writeFileSync(path.join(dir, 'database.json.tmp'), JSON.stringify(state));
    fs.renameSync(path.join(dir, 'database.json.tmp'), path.join(dir, 'database.json'));
  });
  return { dir, started: started.catch(() => undefined) };
}
