// Resolves Apache Kafka from Maven Central (through kafka/pom.xml) and runs a single-node broker and
// controller (KRaft) as a child process on loopback: for the demo, the tests and trying the streams,
// as the embedded Neo4j is for the database. Production points KAFKA_BROKERS at its own cluster.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../config.js';
import { freePort } from '../graph/embedded.js';

const kafkaDir = path.join(projectRoot, 'kafka');
const targetDir = path.join(kafkaDir, 'target');
const launcherJar = path.join(targetDir, 'embedded-kafka-1.0.0.jar');
const stampFile = path.join(targetDir, '.prepared');
const launcherSources = [
  path.join(kafkaDir, 'src/main/java/dev/identitygraph/kafka/EmbeddedKafka.java'),
  path.join(kafkaDir, 'src/main/resources/log4j2.properties'),
];
const classpath = [launcherJar, path.join(targetDir, 'lib', '*')].join(path.delimiter);

export interface KafkaBrokerOptions {
  /** The log directory (topics, offsets, the cluster's metadata); formatted on first use. */
  dir: string;
  /** The PLAINTEXT listener clients connect to; 0: a free port. */
  port: number;
  heap?: string;
  log?: (line: string) => void;
}

export interface KafkaBroker {
  /** host:port, what KAFKA_BROKERS takes. */
  bootstrap: string;
  pid: number;
  onUnexpectedExit(listener: (description: string) => void): void;
  stop(): Promise<void>;
}

export class KafkaBrokerError extends Error {}

function requireTool(command: string, args: string[], install: string): void {
  const probe = spawnSync(command, args, { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new KafkaBrokerError(`The embedded Kafka needs ${command}, which was not found. ${install}`);
  }
}

function preparedStamp(): string {
  const hash = createHash('sha256');
  hash.update(fs.readFileSync(path.join(kafkaDir, 'pom.xml')));
  for (const file of launcherSources) hash.update(fs.readFileSync(file));
  return hash.digest('hex');
}

/** Fetches the Kafka jars and builds the launcher, once; Maven's ~/.m2 caches them across clones. */
export function prepareKafkaBroker(log: (line: string) => void = console.error): void {
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
  log('Fetching Apache Kafka from Maven Central (first run only, about 30 MB)…');
  const build = spawnSync(
    'mvn',
    ['-B', '-q', '-DskipTests', '-f', path.join(kafkaDir, 'pom.xml'), 'package'],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (build.status !== 0) {
    const output = `${build.stdout ?? ''}${build.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new KafkaBrokerError(`Maven could not resolve or build the embedded Kafka:\n${output}`);
  }
  fs.writeFileSync(stampFile, stamp);
}

/** One broker that is also the only controller: replication factors of 1 everywhere. */
function serverProperties(dir: string, port: number, controllerPort: number): string {
  return [
    '# Written by idgraph kafka on every start: a single-node KRaft cluster on loopback.',
    'process.roles=broker,controller',
    'node.id=1',
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `log.dirs=${path.join(dir, 'data')}`,
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=4',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'min.insync.replicas=1',
    'num.partitions=1',
    // A topic that does not exist yet is created by the first producer or consumer that names it,
    // as on most development clusters; the service works the same against one that forbids it and
    // has its topics made by an operator.
    'auto.create.topics.enable=true',
    'group.initial.rebalance.delay.ms=0',
    'log.flush.interval.messages=9223372036854775807',
    '',
  ].join('\n');
}

/**
 * Formats the log directory on first use. The controller's port is chosen anew on every start, so
 * the voters in the config change; a static quorum of one node stores only the node id, not the port.
 */
function formatStorage(dir: string, config: string, heap: string): void {
  if (fs.existsSync(path.join(dir, 'data', 'meta.properties'))) return;
  // As Kafka's own Uuid.randomUuid: an id starting with '-' would read as an option.
  let clusterId = randomBytes(16).toString('base64url');
  while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
  const format = spawnSync(
    'java',
    [
      `-Xmx${heap}`,
      '-cp',
      classpath,
      'kafka.tools.StorageTool',
      'format',
      `--cluster-id=${clusterId}`,
      '-c',
      config,
    ],
    { encoding: 'utf8' },
  );
  if (format.status !== 0) {
    throw new KafkaBrokerError(
      `Could not format the Kafka storage in ${dir}:\n${format.stdout}${format.stderr}`,
    );
  }
}

/** Starts Kafka and resolves once the broker answers an admin request. */
export async function startKafkaBroker(options: KafkaBrokerOptions): Promise<KafkaBroker> {
  const log = options.log ?? ((line: string) => console.error(line));
  const heap = options.heap ?? '384m';
  prepareKafkaBroker(log);
  const dir = path.resolve(options.dir);
  fs.mkdirSync(dir, { recursive: true });
  const port = options.port || (await freePort());
  const controllerPort = await freePort();
  const config = path.join(dir, 'server.properties');
  fs.writeFileSync(config, serverProperties(dir, port, controllerPort));
  formatStorage(dir, config, heap);
  const bootstrap = `127.0.0.1:${port}`;
  const child = spawn(
    'java',
    [
      `-Xmx${heap}`,
      `-Xms${heap}`,
      '-XX:+UseG1GC',
      '-cp',
      classpath,
      'dev.identitygraph.kafka.EmbeddedKafka',
      config,
      bootstrap,
    ],
    // stdin stays open as a lifeline (the launcher stops when it closes); its own process group, so
    // Ctrl-C reaches this process, which stops Kafka, rather than killing Kafka under it.
    { stdio: ['pipe', 'pipe', 'pipe'], detached: true },
  );
  const stderrTail = tailOf(child, log);
  await ready(child, stderrTail);
  child.removeAllListeners('exit');
  return running(child, stderrTail, bootstrap);
}

/** The last 30 lines Java wrote to stderr, kept to explain a failure; each also goes to the log. */
function tailOf(child: ChildProcess, log: (line: string) => void): string[] {
  const tail: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    // slf4j's note on loggers used while it starts is noise on every start.
    const lines = chunk.split('\n').filter((line) => line && !line.startsWith('SLF4J:'));
    for (const line of lines) log(`kafka: ${line}`);
    tail.push(...lines);
    tail.splice(0, Math.max(0, tail.length - 30));
  });
  return tail;
}

function ready(child: ChildProcess, stderrTail: string[]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new KafkaBrokerError(`Kafka did not start within 120 s:\n${stderrTail.join('\n')}`));
    }, 120_000);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      if (buffered.includes('READY ')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new KafkaBrokerError(`Kafka exited during start (code ${code ?? signal}):\n${stderrTail.join('\n')}`),
      );
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new KafkaBrokerError(`Could not start java: ${error.message}`));
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

function running(child: ChildProcess, stderrTail: string[], bootstrap: string): KafkaBroker {
  let stopping: Promise<void> | undefined;
  const exitListeners: ((description: string) => void)[] = [];
  child.once('exit', (code, signal) => {
    if (stopping) return;
    const description =
      `the embedded Kafka (pid ${child.pid}) exited unexpectedly (${signal ? `signal ${signal}` : `code ${code}`})` +
      (stderrTail.length > 0 ? `; its last output:\n${stderrTail.slice(-5).join('\n')}` : '');
    for (const listener of exitListeners) listener(description);
  });
  return {
    bootstrap,
    pid: child.pid ?? -1,
    onUnexpectedExit(listener) {
      exitListeners.push(listener);
    },
    stop() {
      stopping ??= (async () => {
        child.kill('SIGTERM');
        if (!(await waitForExit(child, 30_000))) {
          child.kill('SIGKILL');
          await waitForExit(child, 5_000);
        }
      })();
      return stopping;
    },
  };
}
