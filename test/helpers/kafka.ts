// Starts a real single-node Kafka (src/streams/kafka-broker.ts) for one test file, on free loopback
// ports in a temporary folder, and reads topics back as an integrator's consumer would.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Consumer, stringDeserializers, type Message } from '@platformatic/kafka';
import { startKafkaBroker, type KafkaBroker } from '../../src/streams/kafka-broker.js';

export interface TestKafka {
  bootstrap: string;
  /** Stops the broker (SIGKILL when `abruptly`); its data stays, so `restart` brings the same topics back. */
  stop(options?: { abruptly?: boolean }): Promise<void>;
  /** Starts it again on the same port and folder. */
  restart(): Promise<void>;
  /** Stops it and removes its folder: call in afterAll. */
  close(): Promise<void>;
}

export async function startKafka(): Promise<TestKafka> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-kafka-'));
  let broker: KafkaBroker | undefined = await startKafkaBroker({ dir, port: 0, heap: '256m', log: () => {} });
  const port = Number(broker.bootstrap.split(':')[1]);
  return {
    bootstrap: broker.bootstrap,
    async stop(options = {}) {
      if (!broker) return;
      if (options.abruptly) process.kill(broker.pid, 'SIGKILL');
      await broker.stop();
      broker = undefined;
    },
    async restart() {
      if (broker) throw new Error('the test Kafka is running: stop() it before restart()');
      broker = await startKafkaBroker({ dir, port, heap: '256m', log: () => {} });
    },
    async close() {
      await broker?.stop();
      broker = undefined;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type TopicMessage = Message<string, string, string, string>;

/**
 * Reads a topic from its beginning until `until` says enough (or `timeoutMs` passes, then fails
 * with what arrived), as a fresh consumer group that commits nothing.
 */
export async function readTopic(
  bootstrap: string,
  topic: string,
  until: (messages: TopicMessage[]) => boolean,
  timeoutMs = 20_000,
): Promise<TopicMessage[]> {
  const consumer = new Consumer({
    groupId: `test-reader-${Math.random().toString(36).slice(2)}`,
    clientId: 'test-reader',
    bootstrapBrokers: [bootstrap],
    deserializers: stringDeserializers,
    autocommit: false,
  });
  const messages: TopicMessage[] = [];
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', maxWaitTime: 200 });
    const timer = setTimeout(() => void stream.close(), timeoutMs);
    try {
      for await (const message of stream as AsyncIterable<TopicMessage>) {
        messages.push(message);
        if (until(messages)) break;
      }
    } finally {
      clearTimeout(timer);
      await stream.close().catch(() => undefined);
    }
  } finally {
    // Forced: a reader that stops mid-stream has nothing to commit.
    await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
  }
  if (!until(messages)) {
    throw new Error(
      `topic ${topic}: ${messages.length} message(s) within ${timeoutMs} ms, not what the test waits for:\n` +
        messages
          .slice(-5)
          .map((m) => `${m.key} ${m.value}`)
          .join('\n'),
    );
  }
  return messages;
}
