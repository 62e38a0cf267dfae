// One per API instance: gives committed changes their place in the feed, tails the feed, and wakes
// this instance's subscribers. Every instance runs one, so each delivers every change to its own
// subscribers whichever instance (or batch job) wrote it.
//
// Why post-commit sequencing (the outbox race). A feed whose writers take a cursor from a counter
// inside their own transaction has a classic hole: writer A takes 7, writer B takes 8, B commits, a
// reader reads 8 and moves past 7, then A commits 7 and the reader never sees it. Locking the
// counter until commit closes the hole but serializes every writer in the database on one node.
// Here writers take nothing: they create (:Change:Unsequenced) nodes in their own transaction
// (changes/append), which contend on nothing. The sequencer then numbers, in one short transaction
// under the (:ChangeSequence) lock, only changes it can see, and it can only see committed ones. So
// places are given in commit-visibility order, consecutively, and a place is never given to a change
// below one a reader may already have passed: readers simply read `seq > cursor`. A rolled-back
// write leaves no node, so it never gets a place. Sequencers on several instances serialize on the
// lock, one batch each, and find nothing left to number when another was first.
//
// Why the tailer checks that places are consecutive. Neo4j reads at READ COMMITTED without locks, so
// a read running while a batch is being applied might see place 12 before 11. Places are dense, so
// the tailer only advances through consecutive places; a gap is waited out (it closes within
// milliseconds) and passed only after `gapTimeoutMs`, with a warning, in case a change was deleted
// by hand. Replays read only up to the tailer's head, which is known to be complete.
import type { AppConfig } from '../config.js';
import type { Graph } from '../graph/run.js';
import type { ChangeModel } from './changes.model.js';
import { ChangesRepository } from './changes.repository.js';
import { changesCommittedTopic } from '../outbox/outbox.js';
import { connectRedisWakeUp, type WakeUpChannel } from './changes.wakeup.js';

export interface ChangeFeedOptions {
  /** How often the outbox is polled when nothing woke the feed sooner. */
  pollMs: number;
  /** Where set, instances wake each other through Redis pub/sub instead of waiting for a poll. */
  redisUrl?: string;
  /** How long a missing place is waited for before the tailer moves past it. */
  gapTimeoutMs?: number;
  /** How many recent changes are kept in memory for live subscribers. */
  bufferSize?: number;
  log?: (line: string) => void;
}

/** Changes numbered per sequencer transaction: short enough to hold the lock briefly. */
const sequenceBatchSize = 1000;
/** A backlog at least this long is reported while it is numbered (progress on long work). */
const backlogReportSize = 10_000;
/** Changes read per tail query. */
const tailPageSize = 1000;
/** How soon a gap in the places is looked at again. */
const gapRetryMs = 20;

export class ChangeFeed {
  private readonly repository: ChangesRepository;
  private readonly pollMs: number;
  private readonly gapTimeoutMs: number;
  private readonly bufferSize: number;
  private readonly log: (line: string) => void;
  private readonly redisUrl?: string;

  /** The highest place this instance has read with every place below it (its replays stop here). */
  private head = 0;
  /** The latest changes, consecutive, ending at `head`: live subscribers read these from memory. */
  private buffer: ChangeModel[] = [];
  private readonly waiters = new Set<() => void>();
  /** Told of every change this instance reads, in feed order (caches of definitions follow these). */
  private readonly listeners = new Set<(changes: readonly ChangeModel[] | 'gap') => void>();
  private gapSince?: number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private queued?: Promise<void>;
  private wakeUp?: WakeUpChannel;
  private isStarted = false;
  private isStopped = false;
  private lastError = '';
  /** Set by a local commit that recorded changes: the next cycle numbers without asking first. */
  private hasLocalCommits = false;
  private readonly onCommitted = () => {
    this.hasLocalCommits = true;
    void this.cycle();
  };
  private readonly onWakeUp = () => void this.cycle();

  constructor(
    private readonly graph: Graph,
    options: ChangeFeedOptions,
  ) {
    this.repository = new ChangesRepository(graph);
    this.pollMs = options.pollMs;
    this.gapTimeoutMs = options.gapTimeoutMs ?? 10_000;
    this.bufferSize = options.bufferSize ?? 10_000;
    this.log = options.log ?? ((line) => console.error(line));
    this.redisUrl = options.redisUrl;
  }

  static fromConfig(graph: Graph, config: AppConfig['changes'], log?: (line: string) => void): ChangeFeed {
    return new ChangeFeed(graph, { pollMs: config.pollMs, redisUrl: config.redisUrl, log });
  }

  /** The highest place every reader on this instance may read up to. */
  get position(): number {
    return this.head;
  }

  get isRunning(): boolean {
    return this.isStarted && !this.isStopped;
  }

  async start(): Promise<void> {
    if (this.isStarted) return;
    this.isStarted = true;
    // Read under the lock, so every place up to it is visible: the first tail starts complete.
    this.head = await this.repository.lastUnderLock();
    this.graph.committed.on(changesCommittedTopic, this.onCommitted);
    if (this.redisUrl) this.wakeUp = connectRedisWakeUp(this.redisUrl, this.onWakeUp, this.log);
    // Not awaited: a backlog (a million imported events) is numbered in the background while the
    // service already answers; subscribers simply see the feed move as it is numbered.
    void this.cycle();
  }

  async stop(): Promise<void> {
    if (this.isStopped) return;
    this.isStopped = true;
    this.graph.committed.off(changesCommittedTopic, this.onCommitted);
    clearTimeout(this.timer);
    await this.wakeUp?.close();
    await this.queued;
    await this.running;
    this.wakeAll();
  }

  /**
   * Numbers what has committed and tails the feed, then resolves: a change committed before the call
   * is within `position` afterwards (unless the database failed; then the next poll retries).
   */
  sync(): Promise<void> {
    return this.cycle();
  }

  /**
   * The buffered changes in (after, upTo], or undefined when memory no longer holds place after + 1
   * (the reader then replays from the database).
   */
  readBuffered(after: number, upTo: number): ChangeModel[] | undefined {
    const last = Math.min(upTo, this.head);
    if (after >= last) return [];
    const first = this.buffer[0];
    if (!first || after + 1 < first.seq) return undefined;
    return this.buffer.slice(after + 1 - first.seq, last - first.seq + 1);
  }

  /** Resolves when the feed moves past `after`, the signal aborts, or the feed stops. */
  waitBeyond(after: number, signal: AbortSignal): Promise<void> {
    if (this.head > after || signal.aborted || this.isStopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /**
   * Calls `listener` with each run of consecutive changes this instance reads, before its subscribers
   * wake, or with 'gap' when the tailer passed over missing places (something may have been missed).
   * Returns the function that stops the calls.
   */
  onChanges(listener: (changes: readonly ChangeModel[] | 'gap') => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Runs one cycle now, or once more after the one running (callers then share it). */
  private cycle(): Promise<void> {
    if (this.isStopped) return this.running ?? Promise.resolve();
    if (!this.running) {
      this.running = this.runCycle().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    this.queued ??= this.running.then(() => {
      this.queued = undefined;
      return this.cycle();
    });
    return this.queued;
  }

  private async runCycle(): Promise<void> {
    clearTimeout(this.timer);
    let nextPollMs = this.pollMs;
    try {
      const firstPage = await this.sequence();
      const hasGap = await this.tail(firstPage);
      if (hasGap) nextPollMs = Math.min(gapRetryMs, this.pollMs);
      if (this.lastError) this.log('change feed: the database answers again');
      this.lastError = '';
    } catch (error) {
      // The database may be down or restarting: report once, keep polling, lose nothing (the outbox
      // is the state; this instance only holds a position in it).
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.lastError) this.log(`change feed: ${message}; retrying every ${this.pollMs} ms`);
      this.lastError = message;
    }
    if (!this.isStopped) {
      this.timer = setTimeout(() => void this.cycle(), nextPollMs);
      this.timer.unref();
    }
  }

  /**
   * Numbers committed changes, in batches, and tells the other instances. Without local commits it
   * first polls: when nothing waits, the poll's page of changes after `head` is returned for the
   * tail, so an idle cycle is one read.
   */
  private async sequence(): Promise<ChangeModel[] | undefined> {
    // Cleared before numbering: a commit that lands meanwhile sets it again for the queued cycle.
    const hasLocalCommits = this.hasLocalCommits;
    this.hasLocalCommits = false;
    let waiting = 0;
    if (!hasLocalCommits) {
      const polled = await this.repository.poll(this.head, tailPageSize);
      if (polled.waiting === 0) return polled.changes;
      waiting = polled.waiting;
    }
    const isBacklog = waiting >= backlogReportSize;
    if (isBacklog) this.log(`change feed: numbering a backlog of ${waiting} changes in the background…`);
    const started = Date.now();
    let last = 0;
    let numbered = 0;
    for (let batches = 1; ; batches++) {
      const batch = await this.repository.sequenceBatch(sequenceBatchSize);
      if (batch.assigned > 0) last = batch.last;
      numbered += batch.assigned;
      if (isBacklog && batches % 50 === 0) this.log(`change feed: numbered ${numbered} of ${waiting}…`);
      if (batch.assigned < sequenceBatchSize) break;
    }
    if (isBacklog) {
      this.log(`change feed: numbered ${numbered} changes in ${Math.round((Date.now() - started) / 1000)} s`);
    }
    if (last > 0) await this.wakeUp?.publish(last);
    return undefined;
  }

  /**
   * Reads the places after `head`, keeping only consecutive ones; true while a gap is waited out.
   * `firstPage`: the page after `head` already read (by the poll).
   */
  private async tail(firstPage?: ChangeModel[]): Promise<boolean> {
    for (let page = firstPage; ; page = undefined) {
      const rows = page ?? (await this.repository.poll(this.head, tailPageSize)).changes;
      if (rows.length === 0) {
        this.gapSince = undefined;
        return false;
      }
      let accepted = 0;
      while (accepted < rows.length && rows[accepted]!.seq === this.head + 1 + accepted) accepted++;
      if (accepted === 0) {
        const next = rows[0]!.seq;
        this.gapSince ??= Date.now();
        if (Date.now() - this.gapSince < this.gapTimeoutMs) return true;
        this.log(
          `change feed: places ${this.head + 1}…${next - 1} stayed missing for ${this.gapTimeoutMs} ms ` +
            `(deleted by hand?); continuing at ${next}`,
        );
        this.buffer = [];
        this.head = next - 1;
        this.tell('gap');
        continue;
      }
      this.gapSince = undefined;
      this.append(rows.slice(0, accepted));
      if (accepted < rows.length) continue; // the rest starts with a gap: look at it again at once
      if (rows.length < tailPageSize) return false;
    }
  }

  private append(changes: ChangeModel[]): void {
    this.buffer.push(...changes);
    if (this.buffer.length > this.bufferSize) this.buffer.splice(0, this.buffer.length - this.bufferSize);
    this.head = changes[changes.length - 1]!.seq;
    this.tell(changes);
    this.wakeAll();
  }

  private tell(changes: readonly ChangeModel[] | 'gap'): void {
    for (const listener of this.listeners) {
      try {
        listener(changes);
      } catch (error) {
        this.log(`change feed: a listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private wakeAll(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
