// Opens the graph: the Neo4j named by NEO4J_URI, or an embedded one the project starts itself.
import neo4j, { type Config, type Driver } from 'neo4j-driver';
import type { AppConfig } from '../config.js';
import { loadCypherCatalog } from './cypher-files.js';
import { readBoltAddress, startEmbeddedNeo4j, type EmbeddedNeo4j } from './embedded.js';
import { Graph } from './run.js';

export interface Database {
  driver: Driver;
  graph: Graph;
  uri: string;
  /** Set when this process started the database; it stops it on close. */
  embedded?: EmbeddedNeo4j;
  /**
   * Called once when the database this process started dies under it; the graph then already fails
   * every query with SERVICE_UNAVAILABLE. Never called for a database named by NEO4J_URI.
   */
  onLost(listener: (description: string) => void): void;
  /** The credentials of a database this process started in a container (tests pass them to workers). */
  credentials?: { user: string; password: string };
  /** True when the database is the embedded one a running service started (see attachRunning). */
  attached?: boolean;
  close(): Promise<void>;
}

async function startTestcontainer(): Promise<{
  uri: string;
  user: string;
  password: string;
  stop(): Promise<void>;
}> {
  // Only where a Docker engine answers (NEO4J_PROVIDER=testcontainers); a devDependency, loaded on demand.
  const { Neo4jContainer } = await import('@testcontainers/neo4j');
  const container = await new Neo4jContainer('neo4j:5.26-community').start();
  return {
    uri: container.getBoltUri(),
    user: container.getUsername(),
    password: container.getPassword(),
    stop: async () => void (await container.stop()),
  };
}

export interface OpenOptions {
  /**
   * Use the embedded Neo4j a running service started on the same store (its published Bolt address)
   * instead of starting one, which would fail on the store lock. For the data engineer's commands.
   */
  attachRunning?: boolean;
}

/** Whether a running service's embedded Neo4j answers on the configured store. */
export async function storeInUse(config: AppConfig): Promise<boolean> {
  const running = await runningEmbedded(config);
  await running?.driver.close();
  return running !== null;
}

export async function openDatabase(
  config: AppConfig,
  log: (line: string) => void = console.error,
  options: OpenOptions = {},
): Promise<Database> {
  const catalog = loadCypherCatalog();
  const running = !config.neo4j.uri && options.attachRunning ? await runningEmbedded(config) : null;
  if (running) {
    log(`Using the running service's Neo4j at ${running.uri} (store: ${config.neo4j.home})`);
    return attachedDatabase(running, new Graph(running.driver, catalog, config.neo4j.database, false));
  }
  const server = await locateServer(config, log);
  const driver = await connect(server, config);
  // neo4j:// routes across a cluster, where reads may hit a member behind the last write.
  const graph = new Graph(driver, catalog, config.neo4j.database, server.uri.startsWith('neo4j'));
  const lostListeners: ((description: string) => void)[] = [];
  server.embedded?.onUnexpectedExit((description) => {
    graph.markUnavailable(description.split('\n')[0]!);
    for (const listener of lostListeners) listener(description);
  });
  return {
    driver,
    graph,
    uri: server.uri,
    embedded: server.embedded,
    onLost(listener) {
      lostListeners.push(listener);
    },
    credentials: server.inContainer ? (server.credentials ?? undefined) : undefined,
    async close() {
      await driver.close();
      await server.stop();
    },
  };
}

/** The embedded Neo4j a running service started: used, never stopped, by this process. */
function attachedDatabase(running: { uri: string; driver: Driver }, graph: Graph): Database {
  return {
    driver: running.driver,
    graph,
    uri: running.uri,
    attached: true,
    // Not this process's database: the service that started it watches it.
    onLost: () => {},
    close: () => running.driver.close(),
  };
}

interface Server {
  uri: string;
  credentials: { user: string; password: string } | null;
  /** Set when this process started the database. */
  embedded?: EmbeddedNeo4j;
  inContainer: boolean;
  /** Stops what this process started (nothing for NEO4J_URI). */
  stop(): Promise<void>;
}

/** NEO4J_URI's server, or one this process starts: in a container, or embedded (the default). */
async function locateServer(config: AppConfig, log: (line: string) => void): Promise<Server> {
  const { uri, user, password } = config.neo4j;
  if (uri)
    return {
      uri,
      credentials: password ? { user, password } : null,
      inContainer: false,
      stop: async () => {},
    };
  if (config.neo4j.provider === 'testcontainers') {
    const container = await startTestcontainer();
    return {
      uri: container.uri,
      credentials: { user: container.user, password: container.password },
      inContainer: true,
      stop: container.stop,
    };
  }
  log(`Starting the embedded Neo4j (store: ${config.neo4j.home})…`);
  const embedded = await startEmbeddedNeo4j({
    home: config.neo4j.home,
    boltPort: config.neo4j.boltPort,
    heap: config.neo4j.heap,
    pageCacheMb: config.neo4j.pageCacheMb,
    log,
  });
  const credentials = password ? { user, password } : null;
  return { uri: embedded.uri, credentials, embedded, inContainer: false, stop: () => embedded.stop() };
}

/** A driver that has reached the server; on failure, what this process started is stopped again. */
async function connect(server: Server, config: AppConfig): Promise<Driver> {
  const { credentials } = server;
  const auth = credentials ? neo4j.auth.basic(credentials.user, credentials.password) : undefined;
  // Integers arrive as numbers: every count, sequence and limit we store fits in 2^53, and decoding
  // them as Integer objects (and temporals' fields with Integer arithmetic) was a measurable share
  // of the API's CPU per resolve (bench/profile-resolve.ts).
  const driver = neo4j.driver(server.uri, auth, {
    disableLosslessIntegers: true,
    userAgent: 'identity-graph',
  });
  try {
    await driver.verifyConnectivity({ database: config.neo4j.database });
  } catch (error) {
    await driver.close();
    await server.stop();
    throw error;
  }
  return driver;
}

/** The embedded Neo4j a service runs on this store, when its published address answers. */
async function runningEmbedded(config: AppConfig): Promise<{ uri: string; driver: Driver } | null> {
  const published = readBoltAddress(config.neo4j.home);
  if (!published) return null;
  const driver = neo4j.driver(published.uri, undefined, {
    userAgent: 'identity-graph',
    connectionTimeout: 2_000,
    maxConnectionRetryTime: 0,
  } as Config);
  try {
    await driver.verifyConnectivity({ database: config.neo4j.database });
    return { uri: published.uri, driver };
  } catch {
    // Left behind by a process that was killed: nobody answers there, so the store is free.
    await driver.close();
    return null;
  }
}
