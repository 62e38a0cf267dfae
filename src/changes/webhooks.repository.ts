// Webhooks and their delivery state in the graph: the only code that names a changes/webhook-* query.
// Rows are checked with zod where they enter, so a renamed property fails here, naming the statement.
import { z } from 'zod';
import { parseRows, readChecked, runChecked } from '../graph/rows.js';
import type { Graph, Tx } from '../graph/run.js';
import { changeTypes } from '../outbox/outbox.model.js';
import { changeRow } from './change-row.js';
import type { ChangeModel } from './changes.model.js';
import type { WebhookModel, WebhookPolicy, WebhookTarget } from './webhooks.model.js';

/** The topic `Graph.committed` emits after a webhook was defined, updated or queued for replay. */
export const webhooksChangedTopic = 'webhooks';

const nullableString = z.string().nullable();

const webhookRow = z.object({
  id: z.string(),
  url: z.string(),
  types: z.array(z.enum(changeTypes)),
  pii: z.boolean(),
  cursor: z.number().int().nullable(),
  position: z.number().int(),
  failures: z.number().int(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  retryBaseMs: z.number().int(),
  retryMaxMs: z.number().int(),
  batchSize: z.number().int(),
  lastError: nullableString,
  nextAttemptAt: nullableString,
  deliveredAt: nullableString,
  replayPending: z.number().int(),
});
const targetRow = webhookRow.extend({ secret: z.string() });

const webhookResult = z.object({ webhook: webhookRow });
const targetResult = z.object({ webhook: targetRow });
const count = z.number().int();

export interface WebhookDefinition extends WebhookPolicy {
  id: string;
  url: string;
  types: string[];
  secret: string;
  pii: boolean;
}

/** Who holds a lease, and for how long each write renews it. */
export interface Lease {
  owner: string;
  leaseMs: number;
}

export class WebhooksRepository {
  constructor(private readonly graph: Graph) {}

  /** The webhook a lease-conditional write returns; undefined when the lease is not ours (no row). */
  private async writeTarget(
    name: string,
    params: Record<string, unknown>,
  ): Promise<WebhookTarget | undefined> {
    const [row] = parseRows(name, targetResult, await this.graph.write(name, params));
    return row?.webhook;
  }

  // ---- the API's side ----

  async create(tx: Tx, definition: WebhookDefinition & { position: number }): Promise<WebhookModel> {
    const [row] = await runChecked(tx, 'changes/webhook-create', webhookResult, {
      ...definition,
    });
    const webhook = row?.webhook;
    if (!webhook) throw new Error('changes/webhook-create returned no webhook');
    tx.afterCommit?.(webhooksChangedTopic);
    return webhook;
  }

  async update(tx: Tx, definition: WebhookDefinition): Promise<WebhookModel | undefined> {
    const [row] = await runChecked(tx, 'changes/webhook-update', webhookResult, {
      ...definition,
    });
    const webhook = row?.webhook;
    if (webhook) tx.afterCommit?.(webhooksChangedTopic);
    return webhook;
  }

  async remove(tx: Tx, id: string): Promise<boolean> {
    const [row] = await runChecked(tx, 'changes/webhook-remove', z.object({ removed: count }), {
      id,
    });
    const removed = (row?.removed ?? 0) > 0;
    // Its deliverer then finds the webhook gone at once rather than at its next renewal.
    if (removed) tx.afterCommit?.(webhooksChangedTopic);
    return removed;
  }

  /** Queues the dead letters for replay; undefined when there is no such webhook. */
  async queueReplay(tx: Tx, id: string): Promise<number | undefined> {
    const [row] = await runChecked(
      tx,
      'changes/webhook-replay',
      z.object({ webhooks: count, queued: count }),
      { id },
    );
    if (!row?.webhooks) return undefined;
    tx.afterCommit?.(webhooksChangedTopic);
    return row.queued;
  }

  async list(): Promise<WebhookModel[]> {
    const rows = await readChecked(this.graph, 'changes/webhook-list', webhookResult);
    return rows.map((r) => r.webhook);
  }

  async deadLetters(ids: readonly string[]): Promise<Map<string, ChangeModel[]>> {
    const rows = await readChecked(
      this.graph,
      'changes/webhook-dead-letters',
      z.object({ webhookId: z.string(), change: changeRow }),
      { ids: [...ids] },
    );
    const byWebhook = new Map<string, ChangeModel[]>();
    for (const row of rows) {
      const list = byWebhook.get(row.webhookId) ?? [];
      list.push(row.change);
      byWebhook.set(row.webhookId, list);
    }
    return byWebhook;
  }

  /** When the oldest change each webhook still has to deliver was made (absent: none waits). */
  async oldestPending(webhooks: readonly WebhookModel[]): Promise<Map<string, string>> {
    const rows = await readChecked(
      this.graph,
      'changes/webhook-oldest-pending',
      z.object({ id: z.string(), oldestAt: z.string().nullable() }),
      {
        webhooks: webhooks.map((w) => ({ id: w.id, position: w.position, types: w.types })),
      },
    );
    return new Map(rows.flatMap((r) => (r.oldestAt ? [[r.id, r.oldestAt] as const] : [])));
  }

  // ---- the deliverer's side: every write is conditional on holding the lease ----

  async freeWebhooks(owner: string): Promise<string[]> {
    const rows = await readChecked(this.graph, 'changes/webhook-free', z.object({ id: z.string() }), {
      owner,
    });
    return rows.map((r) => r.id);
  }

  async acquire(id: string, lease: Lease): Promise<WebhookTarget | undefined> {
    return this.writeTarget('changes/webhook-acquire', { id, ...lease });
  }

  async renew(id: string, lease: Lease, position: number): Promise<WebhookTarget | undefined> {
    return this.writeTarget('changes/webhook-renew', { id, ...lease, position });
  }

  async release(id: string, owner: string, position: number): Promise<void> {
    await this.graph.write('changes/webhook-release', { id, owner, position });
  }

  async delivered(
    id: string,
    lease: Lease,
    outcome: { cursor: number | null; position: number; replayed: number[] },
  ): Promise<WebhookTarget | undefined> {
    return this.writeTarget('changes/webhook-delivered', { id, ...lease, ...outcome });
  }

  async failed(
    id: string,
    lease: Lease,
    failure: { attempts: number; delayMs: number; error: string },
  ): Promise<WebhookTarget | undefined> {
    return this.writeTarget('changes/webhook-failed', { id, ...lease, ...failure });
  }

  async deadLetter(
    id: string,
    lease: Lease,
    batch: { seqs: number[]; position: number; error: string },
  ): Promise<WebhookTarget | undefined> {
    return this.writeTarget('changes/webhook-dead-letter', { id, ...lease, ...batch });
  }

  async replayBatch(id: string, limit: number): Promise<ChangeModel[]> {
    const rows = await readChecked(
      this.graph,
      'changes/webhook-replay-batch',
      z.object({ change: changeRow }),
      {
        id,
        limit,
      },
    );
    return rows.map((r) => r.change);
  }
}
