// Resolves Neo4j Community from Maven Central (through neo4j/pom.xml) and runs it as a child process
// with a Bolt connector on loopback: a real database on any machine with Java and Maven, no Docker.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { projectRoot } from '../config.js';

const neo4jDir = path.join(projectRoot, 'neo4j');
const targetDir = path.join(neo4jDir, 'target');
const launcherJar = path.join(targetDir, 'embedded-neo4j-1.0.0.jar');
const stampFile = path.join(targetDir, '.prepared');
const launcherSource = path.join(neo4jDir, 'src/main/java/dev/identitygraph/neo4j/EmbeddedNeo4j.java');

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

export class EmbeddedNeo4jError extends Error {}

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

function preparedStamp(): string {
  const hash = createHash('sha256');
  hash.update(fs.readFileSync(path.join(neo4jDir, 'pom.xml')));
  hash.update(fs.readFileSync(launcherSource));
  return hash.digest('hex');
}

function neo4jVersion(): string {
  const pom = fs.readFileSync(path.join(neo4jDir, 'pom.xml'), 'utf8');
  return /<neo4j\.version>([^<]+)</.exec(pom)?.[1] ?? 'unknown';
}

function requireTool(command: string, args: string[], install: string): void {
  const probe = spawnSync(command, args, { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new EmbeddedNeo4jError(
      `The embedded Neo4j needs ${command}, which was not found. ${install} ` +
        'Or set NEO4J_URI to use a Neo4j server you already run.',
    );
  }
}

/**
 * Fetches the Neo4j jars and builds the launcher, once: later calls only compare a stamp.
 * Maven's local repository (~/.m2) caches the download across clones.
 */
export function prepareEmbeddedNeo4j(log: (line: string) => void = console.error): void {
  requireTool('java', ['-version'], 'Install a Java 17+ JDK (Debian: apt-get install openjdk-17-jdk).');
  const stamp = preparedStamp();
  if (
    fs.existsSync(launcherJar) &&
    fs.existsSync(stampFile) &&
    fs.readFileSync(stampFile, 'utf8') === stamp
  ) {
    return;
  }
  requireTool('mvn', ['-v'], 'Install Apache Maven 3.8+ (Debian: apt-get install maven).');
  log(`Fetching Neo4j Community ${neo4jVersion()} from Maven Central (first run only, about 170 MB)…`);
  const build = spawnSync(
    'mvn',
    ['-B', '-q', '-DskipTests', '-f', path.join(neo4jDir, 'pom.xml'), 'package'],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (build.status !== 0) {
    const output = `${build.stdout ?? ''}${build.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new EmbeddedNeo4jError(`Maven could not resolve or build the embedded Neo4j:\n${output}`);
  }
  fs.writeFileSync(stampFile, stamp);
  log('Neo4j is ready to start.');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Starts Neo4j and resolves once the default database answers on Bolt. */
export async function startEmbeddedNeo4j(options: EmbeddedOptions): Promise<EmbeddedNeo4j> {
  const log = options.log ?? ((line: string) => console.error(line));
  prepareEmbeddedNeo4j(log);
  fs.mkdirSync(options.home, { recursive: true });
  const port = options.boltPort || (await freePort());
  const child = spawnNeo4j(options, port);
  const stderrTail = tailOf(child);
  const uri = await readyUri(child, stderrTail, options.home);
  child.removeAllListeners('exit');
  publishBoltAddress(options.home, { uri, pid: child.pid ?? -1, ownerPid: process.pid });
  return runningNeo4j(child, stderrTail, options.home, uri);
}

/** The launcher and every Neo4j jar Maven resolved (neo4j/pom.xml), as a Java class path. */
export const neo4jClasspath = () => [launcherJar, path.join(targetDir, 'lib', '*')].join(path.delimiter);

function spawnNeo4j(options: EmbeddedOptions, port: number): ChildProcess {
  const classpath = neo4jClasspath();
  return spawn(
    'java',
    [
      `-Xmx${options.heap}`,
      '-XX:+UseG1GC',
      '-cp',
      classpath,
      'dev.identitygraph.neo4j.EmbeddedNeo4j',
      options.home,
      String(port),
      String(options.pageCacheMb),
    ],
    // stdin stays open as a lifeline: when this process dies, Java sees end of input and stops.
    // Its own process group: Ctrl-C in a terminal signals the whole foreground group, and Neo4j must
    // be stopped by this process (stop()), not die under it as if it had crashed.
    { stdio: ['pipe', 'pipe', 'pipe'], detached: true },
  );
}

/** The last 30 lines Java wrote to stderr, kept to explain a failure. */
function tailOf(child: ChildProcess): string[] {
  const stderrTail: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderrTail.push(...chunk.split('\n').filter(Boolean));
    stderrTail.splice(0, Math.max(0, stderrTail.length - 30));
  });
  return stderrTail;
}

/** The Bolt URI the launcher prints once the database answers; why not, if it exits or takes too long. */
function readyUri(child: ChildProcess, stderrTail: string[], home: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new EmbeddedNeo4jError(`Neo4j did not start within 180 s:\n${stderrTail.join('\n')}`));
    }, 180_000);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const ready = /READY (bolt:\/\/\S+)/.exec(buffered);
      if (ready?.[1]) {
        clearTimeout(timer);
        resolve(ready[1]);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const lockHeld = stderrTail.find((l) => l.includes('FileLockException'));
      // A held store lock is the one failure with a known remedy: say it plainly, without the stack.
      const message = lockHeld
        ? `Another Neo4j is already using the store ${home} (${lockHeld.replace(/^.*FileLockException: /, '').split('.')[0]}). Stop it, or set NEO4J_HOME to another folder.`
        : `Neo4j exited during start (code ${code ?? signal}):\n${stderrTail.join('\n')}`;
      reject(new EmbeddedNeo4jError(message));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new EmbeddedNeo4jError(`Could not start java: ${error.message}`));
    });
  });
}

function runningNeo4j(child: ChildProcess, stderrTail: string[], home: string, uri: string): EmbeddedNeo4j {
  // Watched for the service's whole life: a database that dies must be noticed, not waited for.
  let stopping: Promise<void> | undefined;
  const exitListeners: ((description: string) => void)[] = [];
  child.once('exit', (code, signal) => {
    if (stopping) return;
    const description =
      `the embedded Neo4j (pid ${child.pid}) exited unexpectedly (${signal ? `signal ${signal}` : `code ${code}`})` +
      (stderrTail.length > 0 ? `; its last output:\n${stderrTail.slice(-5).join('\n')}` : '');
    for (const listener of exitListeners) listener(description);
  });
  return {
    uri,
    pid: child.pid ?? -1,
    onUnexpectedExit(listener) {
      exitListeners.push(listener);
    },
    stop() {
      stopping ??= (async () => {
        withdrawBoltAddress(home, uri);
        child.kill('SIGTERM');
        if (!(await waitForExit(child, 60_000))) {
          child.kill('SIGKILL');
          await waitForExit(child, 5_000);
        }
      })();
      return stopping;
    },
  };
}
