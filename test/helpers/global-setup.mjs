// Starts one real Neo4j for the whole test run (or uses NEO4J_URI) and applies the migrations.
// Plain ESM over the built dist/: Jest loads global hooks outside its module transform.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../dist/config.js';
import { openDatabase } from '../../dist/graph/database.js';
import { migrate } from '../../dist/graph/migrations.js';

export default async function globalSetup() {
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
  globalThis.__IDGRAPH_TEST_DB__ = { db, store };
}
