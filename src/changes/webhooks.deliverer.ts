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

/** One webhook's delivery while this instance holds its lease. */
interface Delivery {
  id: string;
  /** Its settings as last read back; undefined once the lease is lost or the webhook removed. */
  webhook: WebhookTarget | undefined;
  /** What was acknowledged, in memory first: written at most every checkpointMs (see checkpoint). */
  cursor: WebhookTarget['cursor'];
  position: WebhookTarget['position'];
  /** Acknowledged since the last checkpoint. */
  isDirty: boolean;
  renewedAt: number;
  batch: Batch | undefined;
  /** Renew the lease (and read the settings back) before the next POST: a webhook was updated. */
  mustRefresh: boolean;
  /** The checkpoint being written in the background, if any. */
  background: Promise<void> | undefined;
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
    const delivery: Delivery = {
      id: initial.id,
      webhook: initial,
      cursor: initial.cursor,
      position: initial.position,
      isDirty: false,
      renewedAt: Date.now(),
      batch: undefined,
      mustRefresh: false,
      background: undefined,
    };
    const refresh = () => void (delivery.mustRefresh = true);
    this.wakers.add(refresh);
    try {
      // A turn that finds the webhook gone (lease lost, webhook removed) ends the loop here.
      while (delivery.webhook && !this.isStopping) {
        try {
          await this.deliveryTurn(delivery);
        } catch (error) {
          // The database may be restarting: what is in memory is kept and written when it answers;
          // the lease may run out meanwhile, and then another instance carries on from the graph.
          this.report(error);
          await this.idle(errorPauseMs);
          delivery.mustRefresh = true;
        }
      }
    } finally {
      this.wakers.delete(refresh);
      await this.finishDelivery(delivery);
    }
  }

  /** One turn: keep the lease and the checkpoint current, wait until there is something due, or send. */
  private async deliveryTurn(delivery: Delivery): Promise<void> {
    const sinceRenewal = Date.now() - delivery.renewedAt;
    if (delivery.isDirty && (delivery.mustRefresh || sinceRenewal >= this.settings.checkpointMs)) {
      delivery.mustRefresh = false;
      this.checkpointInBackground(delivery);
    }
    if (delivery.mustRefresh || sinceRenewal >= this.renewMs) return this.renewLease(delivery);
    const nextAttemptAt = delivery.webhook!.nextAttemptAt;
    const dueInMs = nextAttemptAt ? Date.parse(nextAttemptAt) - Date.now() : 0;
    if (dueInMs > 0) return this.idle(Math.min(dueInMs, this.renewMs));
    delivery.batch ??= await this.nextBatch(delivery.webhook!, delivery.position);
    const batch = delivery.batch;
    if (!batch) {
      const wakeInMs = (delivery.isDirty ? this.settings.checkpointMs : this.renewMs) - sinceRenewal;
      return this.idle(wakeInMs, delivery.position);
    }
    if (batch.changes.length === 0) {
      // Only changes the filter leaves out: read past them (recorded with the next write).
      delivery.position = batch.position;
      delivery.batch = undefined;
      return;
    }
    const error = await this.post(delivery.webhook!, batch);
    // A checkpoint in the background may have found the lease lost or the webhook removed.
    if (!delivery.webhook) return;
    if (error === undefined) return this.acknowledged(delivery, batch);
    return this.failed(delivery, batch, error);
  }

  private async renewLease(delivery: Delivery): Promise<void> {
    await delivery.background;
    if (!delivery.webhook) return;
    delivery.mustRefresh = false;
    delivery.webhook = await this.repository.renew(delivery.id, this.lease, delivery.position);
    delivery.renewedAt = Date.now();
  }

  /** The receiver took the batch: the cursor moves (a replay's changes leave the dead letters). */
  private async acknowledged(delivery: Delivery, batch: Batch): Promise<void> {
    if (batch.isReplay) {
      await this.checkpoint(
        delivery,
        batch.changes.map((c) => c.seq),
      );
    } else {
      delivery.cursor = batch.changes[batch.changes.length - 1]!.seq;
      delivery.position = batch.position;
      delivery.isDirty = true;
      // After failures the graph says so: correct it at once.
      const webhook = delivery.webhook!;
      if (webhook.failures > 0 || webhook.attempts > 0) await this.checkpoint(delivery);
    }
    delivery.batch = undefined;
  }

  /** The receiver did not take the batch: try again later, or after maxAttempts make it dead letters. */
  private async failed(delivery: Delivery, batch: Batch, error: string): Promise<void> {
    await delivery.background;
    if (delivery.isDirty) await this.checkpoint(delivery);
    if (!delivery.webhook) return;
    const { id } = delivery;
    const attempts = delivery.webhook.attempts + 1;
    const maxAttempts = delivery.webhook.maxAttempts;
    if (attempts < maxAttempts) {
      const delayMs = backoffMs(attempts, delivery.webhook);
      // An operator learns of a failing receiver from the log, not only from the Webhook's state.
      this.log(
        `webhook ${id}: delivering ${batch.changes.length} change(s) failed (${error}); ` +
          `attempt ${attempts} of ${maxAttempts}, next in ${Math.ceil(delayMs / 1000)} s`,
      );
      delivery.webhook = await this.repository.failed(id, this.lease, { attempts, delayMs, error });
      delivery.renewedAt = Date.now();
      return;
    }
    this.log(
      `webhook ${id}: ${batch.changes.length} change(s) became dead letters after ` +
        `${attempts} failed attempts (${error})`,
    );
    delivery.webhook = await this.repository.deadLetter(id, this.lease, {
      seqs: batch.changes.map((c) => c.seq),
      position: batch.isReplay ? delivery.position : batch.position,
      error,
    });
    delivery.renewedAt = Date.now();
    if (!batch.isReplay) delivery.position = batch.position;
    delivery.batch = undefined;
  }

  /** A checkpoint written while delivery goes on: a slow database then delays no receiver. */
  private checkpointInBackground(delivery: Delivery): void {
    if (delivery.background) return;
    const acknowledged = { cursor: delivery.cursor, position: delivery.position, replayed: [] };
    delivery.isDirty = false;
    delivery.renewedAt = Date.now();
    delivery.background = this.repository
      .delivered(delivery.id, this.lease, acknowledged)
      .then((latest) => void (delivery.webhook = latest))
      .catch((error: unknown) => {
        delivery.isDirty = true;
        this.report(error);
      })
      .finally(() => (delivery.background = undefined));
  }

  /** Writes the acknowledged cursor now (renewing the lease and reading the settings back). */
  private async checkpoint(delivery: Delivery, replayed: number[] = []): Promise<void> {
    await delivery.background;
    if (!delivery.webhook) return;
    const { cursor, position } = delivery;
    delivery.webhook = await this.repository.delivered(delivery.id, this.lease, {
      cursor,
      position,
      replayed,
    });
    delivery.isDirty = false;
    delivery.renewedAt = Date.now();
  }

  /** Records what was acknowledged and releases the lease, so another instance resumes at once. */
  private async finishDelivery(delivery: Delivery): Promise<void> {
    if (!delivery.webhook) return;
    try {
      await delivery.background;
      if (delivery.isDirty) await this.checkpoint(delivery);
      if (delivery.webhook) await this.repository.release(delivery.id, this.lease.owner, delivery.position);
    } catch (error) {
      // The lease runs out instead; another instance resends what was not recorded (at least once).
      this.report(error);
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
