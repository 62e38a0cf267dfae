// The demo's view of the changes topic (`serve --kafka`): a consumer like an integrator's, logging
// what arrives, so the demo shows changes reaching Kafka without another tool.
import { Consumer, stringDeserializers, type Message } from '@platformatic/kafka';
import type { KafkaSettings } from '../config.js';
import { cursorHeader, typeHeader } from './change-messages.js';
import { kafkaConnection } from './kafka-client.js';

const shownOneByOne = 3;
const summaryEveryMs = 10_000;

export async function watchChanges(
  settings: KafkaSettings,
  log: (line: string) => void,
): Promise<{ close(): Promise<void> }> {
  const consumer = new Consumer({
    ...kafkaConnection(settings, 'demo-watcher'),
    groupId: `idgraph-demo-watcher-${process.pid}`,
    deserializers: stringDeserializers,
    autocommit: false,
    autocreateTopics: true,
  });
  const stream = await consumer.consume({
    topics: [settings.changes.topic],
    // From the topic's beginning: the demo's own changes were published while the service started.
    mode: 'earliest',
    maxWaitTime: 500,
  });
  let seen = 0;
  let unreported = 0;
  let last = '';
  stream.on('data', (message: Message<string, string, string, string>) => {
    seen++;
    last = `cursor ${message.headers.get(cursorHeader)} ${message.headers.get(typeHeader)}, key ${message.key}`;
    if (seen <= shownOneByOne) log(`kafka demo: a change on ${message.topic}: ${last}`);
    else unreported++;
  });
  const summary = setInterval(() => {
    if (unreported === 0) return;
    log(`kafka demo: ${unreported} more change(s) on ${settings.changes.topic}, the last ${last}`);
    unreported = 0;
  }, summaryEveryMs);
  summary.unref();
  stream.on('error', (error: Error) => log(`kafka demo: the watcher stopped (${error.message})`));
  return {
    async close() {
      clearInterval(summary);
      await stream.close().catch(() => undefined);
      await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
    },
  };
}
