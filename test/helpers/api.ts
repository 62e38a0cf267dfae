// Starts the real API (HTTP on port 0) on the test run's Neo4j and calls it as a client would.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { openDatabase, type Database } from '../../src/graph/database.js';
import { migrate } from '../../src/graph/migrations.js';
import { startServer, type RunningServer } from '../../src/server.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: { code?: string } & Record<string, unknown> }[];
  extensions?: Record<string, unknown>;
}

export interface TestApi {
  url: string;
  wsUrl: string;
  db: Database;
  config: AppConfig;
  /** Sends one GraphQL operation over HTTP; `key` becomes the bearer token. */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { key?: string },
  ): Promise<GraphQLResponse<T>>;
  /** Stops the server as a shutdown does, keeping the database (close() after it still closes that). */
  stopServer(): Promise<void>;
  close(): Promise<void>;
}

/** A short random tag that keeps one test file's data apart from every other file's. */
export function uniqueTag(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export async function startTestApi(env: Record<string, string> = {}): Promise<TestApi> {
  if (!process.env.NEO4J_URI) {
    throw new Error('NEO4J_URI is unset: run tests through `npm test` so the global setup starts Neo4j.');
  }
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', PORT: '0', ...env });
  // A file with a database of its own (NEO4J_URI: '') starts one quietly.
  const db = await openDatabase(config, () => {});
  let server: RunningServer;
  try {
    server = await startServer({ config, graph: db.graph });
  } catch (error) {
    await db.close();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  const stopServer = () => (stopped ??= server.stop());
  return {
    url: server.url,
    wsUrl: server.wsUrl,
    db,
    config,
    stopServer,
    async gql<T>(query: string, variables: Record<string, unknown> = {}, options: { key?: string } = {}) {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse<T>;
    },
    async close() {
      await stopServer();
      await db.close();
    },
  };
}

/**
 * The API on a Neo4j of the test file's own, migrated: for figures over the whole database (node
 * counts, ranks over every persona) that other files writing at the same time would move. Starting it
 * takes a while on a busy machine: give the hook 180 s. close() also removes its store.
 */
export async function startTestApiOnOwnDatabase(env: Record<string, string> = {}): Promise<TestApi> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-own-'));
  const api = await startTestApi({ NEO4J_URI: '', NEO4J_HOME: home, NEO4J_HEAP: '512m', ...env });
  await migrate(api.db.graph);
  return {
    ...api,
    async close() {
      await api.close();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * The API on a database no other file writes to while this file runs, emptied and migrated first:
 * what startTestApiOnOwnDatabase gives, without a Neo4j start per file. The global setup starts one
 * such Neo4j in the background (test/helpers/global-setup.mjs); the files listed in
 * test/helpers/quiet-files.mjs take turns on it, one at a time, each on an empty database. Without it
 * (a run the setup did not expect to need it), the file starts a database of its own as before.
 * Give the hook 180 s: it may wait for the database to start or for the other file's turn to end.
 */
export async function startTestApiOnQuietDatabase(env: Record<string, string> = {}): Promise<TestApi> {
  const dir = process.env.IDGRAPH_TEST_QUIET_DIR;
  if (!dir) return startTestApiOnOwnDatabase(env);
  const database = await waitForQuietDatabase(dir);
  const release = await takeTurn(path.join(dir, 'turn'));
  try {
    const credentials = {
      NEO4J_URI: database.uri,
      NEO4J_USER: database.user,
      NEO4J_PASSWORD: database.password,
    };
    // Emptied before the API starts, so its change feed and caches begin on the empty database.
    const admin = await openDatabase(
      loadConfig({ ...process.env, NODE_ENV: 'test', ...credentials }),
      () => {},
    );
    try {
      await admin.graph.runText('MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS');
      await migrate(admin.graph);
    } finally {
      await admin.close();
    }
    const api = await startTestApi({ ...credentials, ...env });
    return {
      ...api,
      async close() {
        try {
          await api.close();
        } finally {
          release();
        }
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

async function waitForQuietDatabase(dir: string): Promise<{ uri: string; user: string; password: string }> {
  const file = path.join(dir, 'database.json');
  const deadline = Date.now() + 175_000;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`the quiet Neo4j did not start within 175 s (${dir})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const state = JSON.parse(fs.readFileSync(file, 'utf8')) as
    { uri: string; user: string; password: string } | { error: string };
  if ('error' in state) throw new Error(`the quiet Neo4j did not start:\n${state.error}`);
  return state;
}

/** Waits until no other file holds the turn (an exclusive directory), then holds it. */
async function takeTurn(lock: string): Promise<() => void> {
  const deadline = Date.now() + 175_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      return () => fs.rmSync(lock, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() > deadline)
        throw new Error(`another test file held the quiet Neo4j over 175 s (${lock})`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
