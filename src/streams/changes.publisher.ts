// One per API instance when KAFKA_BROKERS is set: publishes every change, in feed order, to
// KAFKA_CHANGES_TOPIC, and keeps its cursor in the graph.
//
// Why a lease. Two instances publishing at once would each send every change, out of order between
// them. An instance takes the topic's lease (a holder and an expiry on its (:KafkaPublisher) node,
// read and written under the node's write lock, as webhooks do), renews it with every checkpoint, and
// records progress only while it still holds it. A stopping instance finishes the send under way,
// records it and releases the lease, so another resumes at once; a crashed one's expires after
// KAFKA_LEASE_MS.
//
// Why at least once, and where duplicates come from. The cursor moves only after the broker
// acknowledged the batch (acks from all in-sync replicas; an idempotent producer, so the client's own
// retries never write a message twice). A batch whose acknowledgement was lost (broker down, timeout)
// or whose checkpoint did not reach the graph is sent again from the stored cursor: a consumer may
// then see a change twice, always with the same idgraph-cursor header, never one missing.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Producer } from '@platformatic/kafka';
import type { ChangesService } from '../changes/changes.service.js';
import type { ChangeModel } from '../changes/changes.model.js';
import type { KafkaSettings } from '../config.js';
import type { Graph } from '../graph/run.js';
import { changeMessage } from './change-messages.js';
import { idempotentProducer, RetryLog } from './kafka-client.js';
import { StreamsRepository, type Lease } from './streams.repository.js';

type StringProducer = Producer<string, string, string, string>;

/** How long to wait after a failure (broker or database unreachable) before trying again. */
const errorPauseMs = 1000;
/** How often a busy publisher says how far it got. */
const progressEveryMs = 10_000;

export class ChangePublisher {
  private readonly repository: StreamsRepository;
  private readonly lease: Lease;
  private readonly topic: string;
  private readonly stopping = new AbortController();
  private producer: StringProducer | undefined;
  private running: Promise<void> | undefined;
  /** Where publishing stands while this instance holds the lease; undefined otherwise. */
  private position: number | undefined;
  private renewedAt = 0;
  /** Acknowledged by the broker, not yet recorded in the graph. */
  private unrecorded = { cursor: 0, count: 0 };
  /** The checkpoint being written while the next batch is sent. */
  private recording: Promise<void> | undefined;
  private readonly retryLog: RetryLog;
  private progress = { count: 0, since: Date.now() };

  constructor(
    graph: Graph,
    private readonly changes: ChangesService,
    private readonly settings: KafkaSettings,
    private readonly log: (line: string) => void = (line) => console.error(line),
  ) {
    this.repository = new StreamsRepository(graph);
    this.topic = settings.changes.topic;
    this.lease = {
      owner: `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      leaseMs: settings.changes.leaseMs,
    };
    this.retryLog = new RetryLog(log, `publishing to ${this.topic}`);
  }

  private get renewMs(): number {
    return Math.max(1, Math.floor(this.lease.leaseMs / 3));
  }

  private get isStopping(): boolean {
    return this.stopping.signal.aborted;
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Finishes the send under way, records it and releases the lease. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
    await this.closeProducer();
    await this.recording;
    if (this.position === undefined) return;
    if (this.unrecorded.count > 0) {
      await this.checkpoint(this.unrecorded.cursor, this.unrecorded.count).catch((error: unknown) =>
        this.retryLog.failed(error),
      );
    }
    if (this.position === undefined) return;
    await this.repository
      .release(this.topic, this.lease.owner)
      .catch((error: unknown) => this.retryLog.failed(error));
  }

  private async run(): Promise<void> {
    while (!this.isStopping) {
      try {
        await this.turn();
      } catch (error) {
        // The broker or the database is away: the batch is sent again from the stored cursor.
        this.retryLog.failed(error);
        await this.closeProducer();
        await this.idle(errorPauseMs);
      }
    }
  }

  /** One turn: hold the lease, then send the next batch or wait for changes. */
  private async turn(): Promise<void> {
    if (this.position === undefined) {
      const start = this.settings.changes.from === 'latest' ? await this.changes.head() : 0;
      const state = await this.repository.acquire(this.topic, this.lease, start);
      if (!state) return this.idle(this.renewMs);
      this.position = state.cursor;
      this.unrecorded = { cursor: state.cursor, count: 0 };
      this.renewedAt = Date.now();
      this.log(`kafka: publishing changes to ${this.topic} after cursor ${state.cursor}`);
    }
    const sinceRenewal = Date.now() - this.renewedAt;
    if (sinceRenewal >= this.renewMs) {
      await this.recording;
      if (this.position === undefined) return;
      const { cursor, count } = this.unrecorded;
      this.unrecorded.count = 0;
      return this.checkpoint(Math.max(cursor, this.position), count).catch((error: unknown) => {
        this.unrecorded.count += count;
        throw error;
      });
    }
    const { changes, pruned } = await this.changes.batchAfter(this.position, this.settings.changes.batchSize);
    if (pruned !== null) {
      this.log(
        `kafka: changes up to cursor ${pruned} were pruned before they were published; continuing after them`,
      );
    }
    if (changes.length === 0) return this.idle(this.renewMs - sinceRenewal, this.position);
    await this.send(changes);
    this.retryLog.recovered();
    // The lease was lost while sending (a background checkpoint found it so): the holder resends.
    if (this.position === undefined) return;
    const cursor = changes[changes.length - 1]!.seq;
    this.position = cursor;
    this.unrecorded = { cursor, count: this.unrecorded.count + changes.length };
    this.recordInBackground();
    this.reportProgress(changes.length);
  }

  /**
   * Writes what the broker acknowledged while the next batch is sent: a produce request and a
   * database write per batch one after the other held publishing to half its pace. A crash before
   * the write only means those changes are sent again (at least once).
   */
  private recordInBackground(): void {
    if (this.recording || this.unrecorded.count === 0) return;
    const { cursor, count } = this.unrecorded;
    this.unrecorded = { cursor, count: 0 };
    this.recording = this.checkpoint(cursor, count)
      .catch((error: unknown) => {
        this.unrecorded.count += count;
        this.retryLog.failed(error);
      })
      .finally(() => {
        this.recording = undefined;
        if (this.position !== undefined && !this.isStopping) this.recordInBackground();
      });
  }

  private async send(changes: ChangeModel[]): Promise<void> {
    const pii = this.settings.changes.pii;
    this.producer ??= idempotentProducer(this.settings, 'changes');
    await this.producer.send({
      messages: changes.map((change) => ({ topic: this.topic, ...changeMessage(change, pii) })),
    });
  }

  /** Records how far the broker acknowledged and renews the lease; a lost lease stops publishing here. */
  private async checkpoint(cursor: number, count: number): Promise<void> {
    const state = await this.repository.published(this.topic, this.lease, { cursor, count });
    this.renewedAt = Date.now();
    if (state) {
      if (this.position !== undefined) this.position = Math.max(this.position, state.cursor);
      return;
    }
    this.log(`kafka: the lease on ${this.topic} was lost; another instance publishes from its cursor`);
    this.position = undefined;
  }

  private async closeProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    // A new producer (a new idempotence session) after a failure: the old one's sequence numbers may
    // no longer match what the broker kept.
    if (producer) await producer.close().catch(() => undefined);
  }

  /** Waits up to `ms`: less when stopping or (given `after`) when the feed moves past it. */
  private idle(ms: number, after?: number): Promise<void> {
    if (this.isStopping || ms <= 0) return Promise.resolve();
    const controller = new AbortController();
    const abort = () => controller.abort();
    this.stopping.signal.addEventListener('abort', abort, { once: true });
    const timer = setTimeout(abort, ms);
    const waits: Promise<void>[] = [
      new Promise((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true })),
    ];
    if (after !== undefined) waits.push(this.changes.waitBeyond(after, controller.signal));
    return Promise.race(waits).finally(() => {
      clearTimeout(timer);
      this.stopping.signal.removeEventListener('abort', abort);
      controller.abort();
    });
  }

  private reportProgress(count: number): void {
    this.progress.count += count;
    if (Date.now() - this.progress.since < progressEveryMs) return;
    this.log(
      `kafka: published ${this.progress.count} change(s) to ${this.topic}, up to cursor ${this.position}`,
    );
    this.progress = { count: 0, since: Date.now() };
  }
}
