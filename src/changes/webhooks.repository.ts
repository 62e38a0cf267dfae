// Webhooks and their delivery state in the graph: the only code that names a changes/webhook-* query.
// Rows are checked with zod where they enter, so a renamed property fails here, clearly.
import { z } from 'zod';
import type { Graph, Tx } from '../graph/run.js';
import type { ChangeModel } from './changes.model.js';
import { changeTypes } from '../outbox/outbox.model.js';
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

const changeRow = z.object({
  seq: z.number().int(),
  id: z.string(),
  type: z.enum(changeTypes),
  at: z.string(),
  personaIds: z.array(z.string()).nullable(),
  personIds: z.array(z.string()).nullable(),
  data: z.string().nullable(),
});

function toChange(row: unknown): ChangeModel {
  const c = changeRow.parse(row);
  return {
    seq: c.seq,
    id: c.id,
    type: c.type,
    at: c.at,
    personaIds: c.personaIds ?? [],
    personIds: c.personIds ?? [],
    data: c.data === null ? null : (JSON.parse(c.data) as unknown),
  };
}

const parseWebhook = (rows: { webhook: unknown }[]): WebhookModel | undefined =>
  rows[0] ? webhookRow.parse(rows[0].webhook) : undefined;
const parseTarget = (rows: { webhook: unknown }[]): WebhookTarget | undefined =>
  rows[0] ? targetRow.parse(rows[0].webhook) : undefined;

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

  // ---- the API's side ----

  async create(tx: Tx, definition: WebhookDefinition & { position: number }): Promise<WebhookModel> {
    const webhook = parseWebhook(
      await tx.run<{ webhook: unknown }>('changes/webhook-create', { ...definition }),
    );
    if (!webhook) throw new Error('changes/webhook-create returned no webhook');
    tx.afterCommit?.(webhooksChangedTopic);
    return webhook;
  }

  async update(tx: Tx, definition: WebhookDefinition): Promise<WebhookModel | undefined> {
    const webhook = parseWebhook(
      await tx.run<{ webhook: unknown }>('changes/webhook-update', { ...definition }),
    );
    if (webhook) tx.afterCommit?.(webhooksChangedTopic);
    return webhook;
  }

  async remove(tx: Tx, id: string): Promise<boolean> {
    const [row] = await tx.run<{ removed: number }>('changes/webhook-remove', { id });
    const removed = (row?.removed ?? 0) > 0;
    // Its deliverer then finds the webhook gone at once rather than at its next renewal.
    if (removed) tx.afterCommit?.(webhooksChangedTopic);
    return removed;
  }

  /** Queues the dead letters for replay; undefined when there is no such webhook. */
  async queueReplay(tx: Tx, id: string): Promise<number | undefined> {
    const [row] = await tx.run<{ webhooks: number; queued: number }>('changes/webhook-replay', { id });
    if (!row?.webhooks) return undefined;
    tx.afterCommit?.(webhooksChangedTopic);
    return row.queued;
  }

  async list(): Promise<WebhookModel[]> {
    const rows = await this.graph.read<{ webhook: unknown }>('changes/webhook-list');
    return rows.map((r) => webhookRow.parse(r.webhook));
  }

  async deadLetters(ids: readonly string[]): Promise<Map<string, ChangeModel[]>> {
    const rows = await this.graph.read<{ webhookId: string; change: unknown }>(
      'changes/webhook-dead-letters',
      {
        ids: [...ids],
      },
    );
    const byWebhook = new Map<string, ChangeModel[]>();
    for (const row of rows) {
      const list = byWebhook.get(row.webhookId) ?? [];
      list.push(toChange(row.change));
      byWebhook.set(row.webhookId, list);
    }
    return byWebhook;
  }

  /** When the oldest change each webhook still has to deliver was made (absent: none waits). */
  async oldestPending(webhooks: readonly WebhookModel[]): Promise<Map<string, string>> {
    const rows = await this.graph.read<{ id: string; oldestAt: string | null }>(
      'changes/webhook-oldest-pending',
      {
        webhooks: webhooks.map((w) => ({ id: w.id, position: w.position, types: w.types })),
      },
    );
    return new Map(rows.flatMap((r) => (r.oldestAt ? [[r.id, r.oldestAt] as const] : [])));
  }

  // ---- the deliverer's side: every write is conditional on holding the lease ----

  async freeWebhooks(owner: string): Promise<string[]> {
    const rows = await this.graph.read<{ id: string }>('changes/webhook-free', { owner });
    return rows.map((r) => r.id);
  }

  async acquire(id: string, lease: Lease): Promise<WebhookTarget | undefined> {
    return parseTarget(await this.graph.write('changes/webhook-acquire', { id, ...lease }));
  }

  async renew(id: string, lease: Lease, position: number): Promise<WebhookTarget | undefined> {
    return parseTarget(await this.graph.write('changes/webhook-renew', { id, ...lease, position }));
  }

  async release(id: string, owner: string, position: number): Promise<void> {
    await this.graph.write('changes/webhook-release', { id, owner, position });
  }

  async delivered(
    id: string,
    lease: Lease,
    outcome: { cursor: number | null; position: number; replayed: number[] },
  ): Promise<WebhookTarget | undefined> {
    return parseTarget(await this.graph.write('changes/webhook-delivered', { id, ...lease, ...outcome }));
  }

  async failed(
    id: string,
    lease: Lease,
    failure: { attempts: number; delayMs: number; error: string },
  ): Promise<WebhookTarget | undefined> {
    return parseTarget(await this.graph.write('changes/webhook-failed', { id, ...lease, ...failure }));
  }

  async deadLetter(
    id: string,
    lease: Lease,
    batch: { seqs: number[]; position: number; error: string },
  ): Promise<WebhookTarget | undefined> {
    return parseTarget(await this.graph.write('changes/webhook-dead-letter', { id, ...lease, ...batch }));
  }

  async replayBatch(id: string, limit: number): Promise<ChangeModel[]> {
    const rows = await this.graph.read<{ change: unknown }>('changes/webhook-replay-batch', { id, limit });
    return rows.map((r) => toChange(r.change));
  }
}
