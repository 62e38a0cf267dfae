// `idgraph kafka`: a single-node Apache Kafka in the foreground, for the demo, the tests and trying
// the streams (src/streams/kafka-broker.ts); stopped with Ctrl-C or when this process ends.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot, withKafkaBrokers, type AppConfig } from '../config.js';

export const kafkaUsage = `kafka [--port N] [--dir D]    run a single-node Apache Kafka 4 (KRaft) in the foreground, fetched
                            from Maven Central (default port 9092, folder .data/kafka); KAFKA_BROKERS=127.0.0.1:N`;

export async function kafkaCommand(rest: string[], log: (line: string) => void): Promise<void> {
  const { values } = parseArgs({
    args: rest,
    options: { port: { type: 'string', default: '9092' }, dir: { type: 'string' } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a port number (0: any free one), not "${values.port}"`);
  }
  const dir = path.resolve(values.dir ?? path.join(projectRoot, '.data/kafka'));
  const { startKafkaBroker } = await import('../streams/kafka-broker.js');
  const broker = await startKafkaBroker({ dir, port, log });
  log(
    `Kafka ready at ${broker.bootstrap} (pid ${broker.pid}, data in ${dir}); set KAFKA_BROKERS=${broker.bootstrap}`,
  );
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: stopping Kafka…`);
      void broker.stop().then(resolve);
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    broker.onUnexpectedExit((description) => {
      log(`FATAL: ${description}`);
      process.exitCode = 1;
      resolve();
    });
  });
}

/**
 * `serve --kafka` (the demo): a broker beside the service in .data/kafka, the service publishing to
 * it, and a consumer that logs the changes arriving on the topic, as an integrator's would see them.
 */
export async function startDemoKafka(
  config: AppConfig,
  log: (line: string) => void,
): Promise<{ config: AppConfig; watch(): Promise<void>; stop(): Promise<void> }> {
  const { startKafkaBroker } = await import('../streams/kafka-broker.js');
  const dir = path.join(projectRoot, '.data/kafka');
  log(`--kafka: starting Kafka in ${dir}…`);
  // Quiet: its warnings would bury the service's own start lines.
  const broker = await startKafkaBroker({ dir, port: 0, log: () => {} });
  log(
    `--kafka: Kafka ready at ${broker.bootstrap}; changes go to the topic ${config.kafka?.changes.topic ?? 'idgraph.changes'}`,
  );
  const withKafka = withKafkaBrokers(config, broker.bootstrap);
  let watcher: { close(): Promise<void> } | undefined;
  return {
    config: withKafka,
    async watch() {
      const { watchChanges } = await import('../streams/demo-watcher.js');
      watcher = await watchChanges(withKafka.kafka!, log);
    },
    async stop() {
      await watcher?.close();
      await broker.stop();
    },
  };
}
