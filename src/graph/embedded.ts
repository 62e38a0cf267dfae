// Resolves Neo4j Community from Maven Central (through neo4j/pom.xml) and runs it as a child process
// with a Bolt connector on loopback: a real database on any machine with Java and Maven, no Docker.
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../config.js';
import {
  freePort,
  launcherClasspath,
  prepareLauncher,
  startJava,
  type JavaLauncher,
} from '../launcher/java-launcher.js';

export class EmbeddedNeo4jError extends Error {}

const neo4jDir = path.join(projectRoot, 'neo4j');
const launcher: JavaLauncher = {
  name: 'Neo4j',
  dir: neo4jDir,
  jar: path.join(neo4jDir, 'target', 'embedded-neo4j-1.0.0.jar'),
  sources: [path.join(neo4jDir, 'src/main/java/dev/identitygraph/neo4j/EmbeddedNeo4j.java')],
  missingToolHint: 'Or set NEO4J_URI to use a Neo4j server you already run.',
  error: EmbeddedNeo4jError,
};

export interface EmbeddedOptions {
  home: string;
  boltPort: number;
  heap: string;
  pageCacheMb: number;
  log?: (line: string) => void;
}

export interface EmbeddedNeo4j {
  uri: string;
  pid: number;
  /** Called once if the process exits without stop() having been asked (killed, crashed). */
  onUnexpectedExit(listener: (description: string) => void): void;
  stop(): Promise<void>;
}

/**
 * A running embedded Neo4j publishes its Bolt address in its store folder, so `idgraph cypher` and
 * `idgraph import` use the service's database instead of failing on the store lock. Removed on stop;
 * a file left by a killed process names a port nobody answers on, and readers check that.
 */
export const boltAddressFile = (home: string) => path.join(home, 'idgraph-bolt.json');

export interface PublishedBolt {
  uri: string;
  pid: number;
  ownerPid: number;
}

function publishBoltAddress(home: string, published: PublishedBolt): void {
  const file = boltAddressFile(home);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(published));
  fs.renameSync(`${file}.tmp`, file);
}

function withdrawBoltAddress(home: string, uri: string): void {
  // Only our own: a later start on the same store may have published its address since.
  if (readBoltAddress(home)?.uri === uri) fs.rmSync(boltAddressFile(home), { force: true });
}

export function readBoltAddress(home: string): PublishedBolt | null {
  try {
    const published = JSON.parse(fs.readFileSync(boltAddressFile(home), 'utf8')) as PublishedBolt;
    return typeof published.uri === 'string' && published.uri.startsWith('bolt://') ? published : null;
  } catch {
    return null;
  }
}

function neo4jVersion(): string {
  const pom = fs.readFileSync(path.join(neo4jDir, 'pom.xml'), 'utf8');
  return /<neo4j\.version>([^<]+)</.exec(pom)?.[1] ?? 'unknown';
}

/**
 * Fetches the Neo4j jars and builds the launcher, once: later calls only compare a stamp.
 * Maven's local repository (~/.m2) caches the download across clones.
 */
export function prepareEmbeddedNeo4j(log: (line: string) => void = console.error): void {
  const built = prepareLauncher(launcher, () =>
    log(`Fetching Neo4j Community ${neo4jVersion()} from Maven Central (first run only, about 170 MB)…`),
  );
  if (built) log('Neo4j is ready to start.');
}

/** Starts Neo4j and resolves once the default database answers on Bolt. */
export async function startEmbeddedNeo4j(options: EmbeddedOptions): Promise<EmbeddedNeo4j> {
  const log = options.log ?? ((line: string) => console.error(line));
  prepareEmbeddedNeo4j(log);
  fs.mkdirSync(options.home, { recursive: true });
  const port = options.boltPort || (await freePort());
  // The launcher prints the Bolt URI once the database answers.
  const { ready, ...running } = await startJava(launcher, neo4jArgs(options, port), {
    pattern: /READY (bolt:\/\/\S+)/,
    timeoutMs: 180_000,
    exitMessage: (_code, _signal, tail) => storeLockMessage(tail, options.home),
    stopTimeoutMs: 60_000,
    beforeStop: ([, uri]) => withdrawBoltAddress(options.home, uri!),
  });
  const uri = ready[1]!;
  publishBoltAddress(options.home, { uri, pid: running.pid, ownerPid: process.pid });
  return { uri, ...running };
}

/** The launcher and every Neo4j jar Maven resolved (neo4j/pom.xml), as a Java class path. */
export const neo4jClasspath = () => launcherClasspath(launcher);

function neo4jArgs(options: EmbeddedOptions, port: number): string[] {
  return [
    `-Xmx${options.heap}`,
    '-XX:+UseG1GC',
    '-cp',
    neo4jClasspath(),
    'dev.identitygraph.neo4j.EmbeddedNeo4j',
    options.home,
    String(port),
    String(options.pageCacheMb),
  ];
}

/**
 * A held store lock is the one failure during start with a known remedy: said plainly, without the
 * stack. Undefined for any other.
 */
function storeLockMessage(tail: string[], home: string): string | undefined {
  const lockHeld = tail.find((l) => l.includes('FileLockException'));
  return lockHeld
    ? `Another Neo4j is already using the store ${home} (${lockHeld.replace(/^.*FileLockException: /, '').split('.')[0]}). Stop it, or set NEO4J_HOME to another folder.`
    : undefined;
}
