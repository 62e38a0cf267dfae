// With KAFKA_EVENTS_TOPIC set, `serve` consumes EventInput JSON (one event per message) in the
// consumer group KAFKA_EVENTS_GROUP and ingests it in batches through the same service as the API.
//
// Why nothing is lost or stored twice. Offsets are committed only after the ingest transaction that
// stored the batch committed (and its rejected events reached the dead-letter topic): a process killed
// at any moment has its uncommitted messages delivered again, to whichever member gets the partition,
// and event ids make each of those a duplicate, not a second event. A batch the database refuses
// (unreachable) is retried as it was, without committing.
import {
  Consumer,
  stringDeserializers,
  type Message,
  type MessagesStream,
  type Producer,
} from '@platformatic/kafka';
import type { GraphQLInputType } from 'graphql';
import type { KafkaSettings } from '../config.js';
import type { EventInput } from '../generated/graphql.js';
import type { Graph } from '../graph/run.js';
import { parseEventLine } from '../identity/import.js';
import type { IngestService } from '../identity/ingest.service.js';
import { idempotentProducer, kafkaConnection, pause, RetryLog } from './kafka-client.js';
import { StreamsRepository } from './streams.repository.js';

type StringMessage = Message<string, string, string, string>;
type StringStream = MessagesStream<string, string, string, string>;
type EventsSettings = NonNullable<KafkaSettings['events']>;

export const codeHeader = 'idgraph-code';
export const messageHeader = 'idgraph-message';

interface DeadLetter {
  message: StringMessage;
  id: string | null;
  code: string;
  reason: string;
}

const errorPauseMs = 1000;
const progressEveryMs = 10_000;
/** How long a partial batch waits for more messages before it is ingested. */
const lingerMs = 50;

export class EventConsumer {
  private readonly repository: StreamsRepository;
  private readonly events: EventsSettings;
  private readonly stopping = new AbortController();
  private consumer: Consumer<string, string, string, string> | undefined;
  private producer: Producer<string, string, string, string> | undefined;
  private running: Promise<void> | undefined;
  private readonly retryLog: RetryLog;
  private progress = { consumed: 0, rejected: 0, since: Date.now() };

  constructor(
    graph: Graph,
    private readonly ingest: Pick<IngestService, 'ingest'>,
    private readonly eventType: GraphQLInputType,
    private readonly settings: KafkaSettings,
    /** At most the API's batch limit: ingest refuses larger batches. */
    private readonly maxBatchSize: number,
    private readonly log: (line: string) => void = (line) => console.error(line),
  ) {
    this.repository = new StreamsRepository(graph);
    this.events = settings.events!;
    this.retryLog = new RetryLog(log, `consuming ${this.events.topic}`);
  }

  private get isStopping(): boolean {
    return this.stopping.signal.aborted;
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Finishes the batch under way (ingested and committed, or left for redelivery) and leaves the group. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    while (!this.isStopping) {
      try {
        await this.consume();
      } catch (error) {
        this.retryLog.failed(error);
        await pause(errorPauseMs, this.stopping.signal);
      } finally {
        await this.close();
      }
    }
  }

  private async consume(): Promise<void> {
    const { topic, group } = this.events;
    this.consumer = new Consumer({
      ...kafkaConnection(this.settings, 'events'),
      groupId: group,
      deserializers: stringDeserializers,
      autocommit: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      // A topic that does not exist yet is waited for (created by the first producer, or here).
      autocreateTopics: true,
    });
    const stream = await this.consumer.consume({
      topics: [topic],
      mode: 'committed',
      fallbackMode: 'earliest',
      maxWaitTime: 500,
      highWaterMark: this.batchSize * 2,
    });
    this.log(`kafka: consuming events from ${topic} in group ${group}`);
    const onStop = () => void stream.close().catch(() => undefined);
    this.stopping.signal.addEventListener('abort', onStop, { once: true });
    let failed: unknown;
    stream.once('error', (error: unknown) => (failed = error));
    try {
      while (!this.isStopping && failed === undefined && !stream.destroyed) {
        const batch = await this.nextBatch(stream);
        if (batch.length > 0) await this.handle(batch);
      }
    } finally {
      this.stopping.signal.removeEventListener('abort', onStop);
    }
    if (failed !== undefined) throw failed;
  }

  private get batchSize(): number {
    return Math.min(this.events.batchSize, this.maxBatchSize);
  }

  /** What the stream holds now, up to a batch; waits a little for a first message and for more. */
  private async nextBatch(stream: StringStream): Promise<StringMessage[]> {
    const batch: StringMessage[] = [];
    while (batch.length < this.batchSize && !this.isStopping && !stream.destroyed) {
      const message = stream.read() as StringMessage | null;
      if (message !== null) {
        batch.push(message);
        continue;
      }
      const arrived = await this.readable(stream, batch.length > 0 ? lingerMs : 1000);
      if (!arrived && batch.length > 0) break;
    }
    return batch;
  }

  private readable(stream: StringStream, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        stream.off('readable', onReadable);
        stream.off('close', onClose);
        resolve(value);
      };
      const onReadable = () => done(true);
      const onClose = () => done(false);
      const timer = setTimeout(() => done(false), ms);
      stream.on('readable', onReadable);
      stream.on('close', onClose);
    });
  }

  /** Ingests a batch, dead-letters what was rejected, then commits: until that holds or the instance stops. */
  private async handle(batch: StringMessage[]): Promise<void> {
    while (!this.isStopping) {
      try {
        const deadLetters = await this.ingestBatch(batch);
        if (deadLetters.length > 0) await this.sendDeadLetters(deadLetters);
        await this.commit(batch);
        this.retryLog.recovered();
        await this.recordProgress(batch.length, deadLetters.length);
        return;
      } catch (error) {
        // The database or the broker is away: nothing was committed; the same batch is tried again.
        this.retryLog.failed(error);
        await pause(errorPauseMs, this.stopping.signal);
      }
    }
  }

  private async ingestBatch(batch: StringMessage[]): Promise<DeadLetter[]> {
    const deadLetters: DeadLetter[] = [];
    const parsed: { message: StringMessage; event: EventInput }[] = [];
    for (const message of batch) {
      try {
        parsed.push({ message, event: parseEventLine(message.value ?? '', this.eventType) });
      } catch (error) {
        const id = /"id"\s*:\s*"([^"]*)"/.exec(message.value ?? '')?.[1] ?? null;
        deadLetters.push({ message, id, code: 'BAD_USER_INPUT', reason: (error as Error).message });
      }
    }
    if (parsed.length === 0) return deadLetters;
    const result = await this.ingest.ingest(parsed.map((p) => p.event));
    for (const rejection of result.rejected) {
      const { message, event } = parsed[rejection.index]!;
      deadLetters.push({ message, id: event.id || null, code: rejection.code, reason: rejection.message });
    }
    return deadLetters;
  }

  private async sendDeadLetters(deadLetters: DeadLetter[]): Promise<void> {
    this.producer ??= idempotentProducer(this.settings, 'dead-letters');
    await this.producer.send({
      messages: deadLetters.map((d) => ({
        topic: this.events.deadLetterTopic,
        // As sent: the value unchanged, keyed by the event's id (the original key when it has none).
        key: d.id ?? d.message.key ?? undefined,
        value: d.message.value,
        headers: new Map([
          [codeHeader, d.code],
          [messageHeader, d.reason.slice(0, 1000)],
        ]),
      })),
    });
  }

  /** Commits past the last message of each partition in the batch. */
  private async commit(batch: StringMessage[]): Promise<void> {
    const last = new Map<string, StringMessage>();
    for (const message of batch) last.set(`${message.topic}\u0000${message.partition}`, message);
    await Promise.all([...last.values()].map((message) => message.commit()));
  }

  private async recordProgress(consumed: number, rejected: number): Promise<void> {
    this.progress.consumed += consumed;
    this.progress.rejected += rejected;
    const isDue = Date.now() - this.progress.since >= progressEveryMs;
    const lag = isDue ? await this.lag().catch(() => null) : null;
    await this.repository
      .consumed(this.events.topic, this.events.group, { consumed, rejected, lag })
      .catch((error: unknown) => this.retryLog.failed(error));
    if (!isDue) return;
    this.log(
      `kafka: consumed ${this.progress.consumed} event(s) from ${this.events.topic} ` +
        `(${this.progress.rejected} rejected to ${this.events.deadLetterTopic}), lag ${lag ?? 'unknown'}`,
    );
    this.progress = { consumed: 0, rejected: 0, since: Date.now() };
  }

  /** Messages in the topic after the group's committed offsets, over every partition. */
  private async lag(): Promise<number | null> {
    if (!this.consumer) return null;
    const lags = await this.consumer.getLag({ topics: [this.events.topic] });
    const values = [...lags.values()].flat().filter((n) => n >= 0n);
    return values.length === 0 ? null : Number(values.reduce((a, b) => a + b, 0n));
  }

  private async close(): Promise<void> {
    const { consumer, producer } = this;
    this.consumer = undefined;
    this.producer = undefined;
    await producer?.close().catch(() => undefined);
    if (consumer) await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
  }
}
