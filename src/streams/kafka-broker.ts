// Resolves Apache Kafka from Maven Central (through kafka/pom.xml) and runs a single-node broker and
// controller (KRaft) as a child process on loopback: for the demo, the tests and trying the streams,
// as the embedded Neo4j is for the database. Production points KAFKA_BROKERS at its own cluster.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
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

export class KafkaBrokerError extends Error {}

const kafkaDir = path.join(projectRoot, 'kafka');
const launcher: JavaLauncher = {
  name: 'Kafka',
  dir: kafkaDir,
  jar: path.join(kafkaDir, 'target', 'embedded-kafka-1.0.0.jar'),
  sources: [
    path.join(kafkaDir, 'src/main/java/dev/identitygraph/kafka/EmbeddedKafka.java'),
    path.join(kafkaDir, 'src/main/resources/log4j2.properties'),
  ],
  error: KafkaBrokerError,
};
const classpath = launcherClasspath(launcher);

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

/** Fetches the Kafka jars and builds the launcher, once; Maven's ~/.m2 caches them across clones. */
export function prepareKafkaBroker(log: (line: string) => void = console.error): void {
  prepareLauncher(launcher, () =>
    log('Fetching Apache Kafka from Maven Central (first run only, about 30 MB)…'),
  );
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
  const args = [
    `-Xmx${heap}`,
    `-Xms${heap}`,
    '-XX:+UseG1GC',
    '-cp',
    classpath,
    'dev.identitygraph.kafka.EmbeddedKafka',
    config,
    bootstrap,
  ];
  const { ready: _ready, ...running } = await startJava(launcher, args, {
    pattern: /READY /,
    timeoutMs: 120_000,
    // Each line also goes to the log; slf4j's note on loggers used while it starts is noise on every start.
    keep: (line) => !line.startsWith('SLF4J:'),
    onLine: (line) => log(`kafka: ${line}`),
    stopTimeoutMs: 30_000,
  });
  return { bootstrap, ...running };
}
