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
  return {
    url: server.url,
    wsUrl: server.wsUrl,
    db,
    config,
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
      await server.stop();
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
