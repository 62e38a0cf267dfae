// One per API instance, beside the change feed: POSTs each webhook's changes, in feed order and small
// batches, to its receiver, and keeps the delivery state in the graph.
//
// Why a lease. Any instance may deliver any webhook, but two delivering one at once would send
// batches twice and out of order. An instance first takes the webhook's lease (a holder and an
// expiry on the (:Webhook) node, read and written under the node's write lock), renews it while it
// delivers, and writes every outcome only while it still holds it. A stopping instance finishes the
// POST under way, records it and releases its leases, so another resumes at once from the stored
// cursor; a crashed one's leases expire after WEBHOOK_LEASE_MS. A POST lasts at most
// WEBHOOK_TIMEOUT_MS, less than half a lease, and the lease is renewed before it whenever a third
// has passed, so it never outlives the lease it was sent under.
//
// Why at-least-once with a cursor. A 2xx moves the cursor; the batch is sent again until one comes,
// and its changes become dead letters after the webhook's maxAttempts. The cursor is written to the
// graph at most every WEBHOOK_CHECKPOINT_MS while batches keep landing (a write per batch would make
// the database the bottleneck of every receiver), at once after failures, and when the instance
// stops. An instance that dies instead may leave the last checkpoint behind what receivers
// acknowledged, and the next holder sends those batches again: each change's cursor is its
// idempotency key.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { WebhookSettings } from '../config.js';
import type { Graph } from '../graph/run.js';
import { maskChangeData } from '../access/masking.js';
import type { ChangeFeed } from './changes.feed.js';
import { matchesFilter, type ChangeModel } from './changes.model.js';
import { ChangesRepository } from './changes.repository.js';
import { formatCursor } from './changes.service.js';
import {
  backoffMs,
  sign,
  signatureHeader,
  type DeliveredChange,
  type WebhookTarget,
} from './webhooks.model.js';
import { WebhooksRepository, webhooksChangedTopic, type Lease } from './webhooks.repository.js';

/** A batch being sent: kept as it was while it is retried, so a receiver sees the same body again. */
interface Batch {
  changes: ChangeModel[];
  /** Where reading stops once it lands: its last change, or further past changes the filter left out. */
  position: number;
  /** True for dead letters sent again: they land without moving the cursor. */
  isReplay: boolean;
}

/** How long to wait after an unexpected error (the database restarting) before trying again. */
const errorPauseMs = 1000;

export function toDelivered(change: ChangeModel, pii: boolean): DeliveredChange {
  return {
    cursor: formatCursor(change.seq),
    type: change.type,
    at: change.at,
    personaIds: change.personaIds,
    personIds: change.personIds,
    // The same masking as the subscription feed for a subscriber without the pii role.
    data: pii ? change.data : maskChangeData(change.type, change.data),
  };
}

export class WebhookDeliverer {
  private readonly repository: WebhooksRepository;
  private readonly changes: ChangesRepository;
  private readonly lease: Lease;
  private readonly log: (line: string) => void;
  private readonly workers = new Map<string, Promise<void>>();
  /** Wakes every idle worker (a webhook was updated or queued for replay, or the instance stops). */
  private readonly wakers = new Set<() => void>();
  private readonly stopping = new AbortController();
  private discoverTimer?: NodeJS.Timeout;
  private discovering?: Promise<void>;
  /** Set when asked to look again while looking: a webhook defined meanwhile is not left for the timer. */
  private mustRediscover = false;
  private lastError = '';
  private readonly onWebhooksChanged = () => {
    this.wakeWorkers();
    void this.discover();
  };

  constructor(
    private readonly graph: Graph,
    private readonly feed: ChangeFeed,
    private readonly settings: WebhookSettings,
    log?: (line: string) => void,
  ) {
    this.repository = new WebhooksRepository(graph);
    this.changes = new ChangesRepository(graph);
    this.lease = {
      owner: `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      leaseMs: settings.leaseMs,
    };
    this.log = log ?? ((line) => console.error(line));
  }

  /** How often leases are renewed and free webhooks looked for. */
  private get renewMs(): number {
    return Math.max(1, Math.floor(this.settings.leaseMs / 3));
  }

  start(): void {
    this.graph.committed.on(webhooksChangedTopic, this.onWebhooksChanged);
    void this.discover();
  }

  /** Finishes the POSTs under way, records them and releases every lease. */
  async stop(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    this.stopping.abort();
    this.graph.committed.off(webhooksChangedTopic, this.onWebhooksChanged);
    clearTimeout(this.discoverTimer);
    this.wakeWorkers();
    await this.discovering;
    await Promise.all(this.workers.values());
  }

  private get isStopping(): boolean {
    return this.stopping.signal.aborted;
  }

  private wakeWorkers(): void {
    for (const wake of [...this.wakers]) wake();
  }

  /** Takes the webhooks nobody delivers; runs now, then every third of a lease. */
  private discover(): Promise<void> {
    if (this.isStopping) return Promise.resolve();
    if (this.discovering) {
      this.mustRediscover = true;
      return this.discovering;
    }
    this.discovering = this.runDiscovery().finally(() => {
      this.discovering = undefined;
      if (this.mustRediscover) {
        this.mustRediscover = false;
        void this.discover();
      } else if (!this.isStopping) {
        clearTimeout(this.discoverTimer);
        this.discoverTimer = setTimeout(() => void this.discover(), this.renewMs);
        this.discoverTimer.unref();
      }
    });
    return this.discovering;
  }

  private async runDiscovery(): Promise<void> {
    try {
      for (const id of await this.repository.freeWebhooks(this.lease.owner)) {
        if (this.isStopping || this.workers.has(id)) continue;
        const target = await this.repository.acquire(id, this.lease);
        if (!target) continue;
        const worker = this.deliver(target).finally(() => this.workers.delete(id));
        this.workers.set(id, worker);
      }
      this.reportRecovery();
    } catch (error) {
      this.report(error);
    }
  }

  /** Delivers one webhook while this instance holds its lease. */
  private async deliver(initial: WebhookTarget): Promise<void> {
    const id = initial.id;
    let webhook: WebhookTarget | undefined = initial;
    // What was acknowledged, in memory first: written at most every checkpointMs (see checkpoint).
    let cursor = initial.cursor;
    let position = initial.position;
    let isDirty = false;
    let renewedAt = Date.now();
    let batch: Batch | undefined;
    let mustRefresh = false;
    const refresh = () => void (mustRefresh = true);
    this.wakers.add(refresh);
    /** A checkpoint written while delivery goes on: a slow database then delays no receiver. */
    let background: Promise<void> | undefined;
    const checkpointInBackground = () => {
      if (background) return;
      const acknowledged = { cursor, position, replayed: [] };
      isDirty = false;
      renewedAt = Date.now();
      background = this.repository
        .delivered(id, this.lease, acknowledged)
        .then((latest) => void (webhook = latest))
        .catch((error: unknown) => {
          isDirty = true;
          this.report(error);
        })
        .finally(() => (background = undefined));
    };
    /** Writes the acknowledged cursor now (renewing the lease and reading the settings back). */
    const checkpoint = async (replayed: number[] = []) => {
      await background;
      if (!webhook) return;
      webhook = await this.repository.delivered(id, this.lease, { cursor, position, replayed });
      isDirty = false;
      renewedAt = Date.now();
    };
    try {
      while (webhook && !this.isStopping) {
        try {
          const sinceRenewal = Date.now() - renewedAt;
          if (isDirty && (mustRefresh || sinceRenewal >= this.settings.checkpointMs)) {
            mustRefresh = false;
            checkpointInBackground();
          }
          if (mustRefresh || sinceRenewal >= this.renewMs) {
            await background;
            if (!webhook) break;
            mustRefresh = false;
            webhook = await this.repository.renew(id, this.lease, position);
            renewedAt = Date.now();
            continue;
          }
          const dueInMs = webhook.nextAttemptAt ? Date.parse(webhook.nextAttemptAt) - Date.now() : 0;
          if (dueInMs > 0) {
            await this.idle(Math.min(dueInMs, this.renewMs));
            continue;
          }
          batch ??= await this.nextBatch(webhook, position);
          if (!batch) {
            const wakeInMs = (isDirty ? this.settings.checkpointMs : this.renewMs) - sinceRenewal;
            await this.idle(wakeInMs, position);
            continue;
          }
          if (batch.changes.length === 0) {
            // Only changes the filter leaves out: read past them (recorded with the next write).
            position = batch.position;
            batch = undefined;
            continue;
          }
          const error = await this.post(webhook, batch);
          // A checkpoint in the background may have found the lease lost or the webhook removed.
          if (!webhook) break;
          if (error === undefined) {
            if (batch.isReplay) {
              await checkpoint(batch.changes.map((c) => c.seq));
            } else {
              cursor = batch.changes[batch.changes.length - 1]!.seq;
              position = batch.position;
              isDirty = true;
              // After failures the graph says so: correct it at once.
              if (webhook.failures > 0 || webhook.attempts > 0) await checkpoint();
            }
            batch = undefined;
            continue;
          }
          await background;
          if (isDirty) await checkpoint();
          if (!webhook) break;
          const attempts = webhook.attempts + 1;
          if (attempts < webhook.maxAttempts) {
            const delayMs = backoffMs(attempts, webhook);
            // An operator learns of a failing receiver from the log, not only from the Webhook's state.
            this.log(
              `webhook ${id}: delivering ${batch.changes.length} change(s) failed (${error}); ` +
                `attempt ${attempts} of ${webhook.maxAttempts}, next in ${Math.ceil(delayMs / 1000)} s`,
            );
            webhook = await this.repository.failed(id, this.lease, { attempts, delayMs, error });
            renewedAt = Date.now();
            continue;
          }
          this.log(
            `webhook ${id}: ${batch.changes.length} change(s) became dead letters after ` +
              `${attempts} failed attempts (${error})`,
          );
          webhook = await this.repository.deadLetter(id, this.lease, {
            seqs: batch.changes.map((c) => c.seq),
            position: batch.isReplay ? position : batch.position,
            error,
          });
          renewedAt = Date.now();
          if (!batch.isReplay) position = batch.position;
          batch = undefined;
        } catch (error) {
          // The database may be restarting: what is in memory is kept and written when it answers;
          // the lease may run out meanwhile, and then another instance carries on from the graph.
          this.report(error);
          await this.idle(errorPauseMs);
          mustRefresh = true;
        }
      }
    } finally {
      this.wakers.delete(refresh);
      if (webhook) {
        try {
          await background;
          if (isDirty) await checkpoint();
          if (webhook) await this.repository.release(id, this.lease.owner, position);
        } catch (error) {
          // The lease runs out instead; another instance resends what was not recorded (at least once).
          this.report(error);
        }
      }
    }
  }

  /** Dead letters queued for replay first, then the feed after `position`, through the type filter. */
  private async nextBatch(webhook: WebhookTarget, position: number): Promise<Batch | undefined> {
    const limit = webhook.batchSize;
    if (webhook.replayPending > 0) {
      const changes = await this.repository.replayBatch(webhook.id, limit);
      if (changes.length > 0) return { changes, position, isReplay: true };
    }
    const upTo = this.feed.position;
    if (upTo <= position) return undefined;
    const filter = { types: webhook.types };
    const buffered = this.feed.readBuffered(position, upTo);
    let changes: ChangeModel[];
    let complete: boolean;
    if (buffered) {
      const matching = buffered.filter((c) => matchesFilter(c, filter));
      changes = matching.slice(0, limit);
      complete = matching.length <= limit;
    } else {
      const page = await this.changes.page({ after: position, upTo, limit: limit + 1, filter });
      if (page.prunedThrough > position) {
        this.log(
          `webhook ${webhook.id}: changes up to ${page.prunedThrough} were pruned before it delivered ` +
            `them; it continues after them`,
        );
        return this.nextBatch(webhook, page.prunedThrough);
      }
      changes = page.changes.slice(0, limit);
      complete = page.changes.length <= limit;
    }
    // A batch that holds every matching change up to the head lets reading move to the head, so
    // changes the filter leaves out are not read again.
    const end = complete ? upTo : changes[changes.length - 1]!.seq;
    return { changes, position: end, isReplay: false };
  }

  /** POSTs a batch; undefined when the receiver acknowledged it (2xx), else why not. */
  private async post(webhook: WebhookTarget, batch: Batch): Promise<string | undefined> {
    const body = JSON.stringify({ changes: batch.changes.map((c) => toDelivered(c, webhook.pii)) });
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'identity-graph-webhooks',
          [signatureHeader]: sign(body, webhook.secret),
          'X-Idgraph-Webhook': webhook.id,
        },
        body,
        // A redirect is not an acknowledgement, and following one could send the changes elsewhere.
        redirect: 'manual',
        // Not the stop signal: a stopping instance lets the POST under way finish and records it.
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return undefined;
      return `HTTP ${response.status}`;
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      if (error instanceof Error && error.name === 'TimeoutError') {
        return `no answer within ${this.settings.timeoutMs} ms`;
      }
      return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
    }
  }

  /**
   * Waits up to `ms`: less when the instance stops, a webhook is updated, or (given `after`) the feed
   * moves past it.
   */
  private idle(ms: number, after?: number): Promise<void> {
    if (this.isStopping || ms <= 0) return Promise.resolve();
    const controller = new AbortController();
    const wake = () => controller.abort();
    this.wakers.add(wake);
    const timer = setTimeout(wake, ms);
    const waits: Promise<void>[] = [
      new Promise((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true })),
    ];
    if (after !== undefined) waits.push(this.feed.waitBeyond(after, controller.signal));
    return Promise.race(waits).finally(() => {
      clearTimeout(timer);
      this.wakers.delete(wake);
      controller.abort();
    });
  }

  private report(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (message !== this.lastError) this.log(`webhooks: ${message}; retrying`);
    this.lastError = message;
  }

  private reportRecovery(): void {
    if (this.lastError) this.log('webhooks: the database answers again');
    this.lastError = '';
  }
}
