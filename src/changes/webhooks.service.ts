// The rules of defining webhooks: who may, what a valid receiver and secret are, where a new one
// starts reading, and the delivery state an admin sees (lag, failures, dead letters).
import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import type { WebhookSettings } from '../config.js';
import { badUserInput, notFound } from '../errors.js';
import type { WebhookInput } from '../generated/graphql.js';
import type { Graph } from '../graph/run.js';
import { recordAudit } from '../access/audit.js';
import type { ChangeModel } from './changes.model.js';
import { parseCursor, type ChangesService } from './changes.service.js';
import type { WebhookModel } from './webhooks.model.js';
import { WebhooksRepository } from './webhooks.repository.js';

const minSecretLength = 16;
const maxSecretLength = 1000;
const maxUrlLength = 2000;

function checkUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badUserInput(`"${raw.slice(0, 80)}" is not an absolute URL`, { argument: 'input.url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badUserInput('A webhook URL must be http or https', { argument: 'input.url' });
  }
  if (raw.length > maxUrlLength) {
    throw badUserInput(`A webhook URL may have at most ${maxUrlLength} characters`, {
      argument: 'input.url',
    });
  }
  return url.href;
}

function checkSecret(secret: string): string {
  if (secret.length < minSecretLength || secret.length > maxSecretLength) {
    throw badUserInput(
      `A webhook secret must have ${minSecretLength} to ${maxSecretLength} characters (a random one, kept by the receiver)`,
      { argument: 'input.secret' },
    );
  }
  return secret;
}

export class WebhooksService {
  private readonly repository: WebhooksRepository;
  /** Per request: one read for the dead letters of every webhook a query lists. */
  private readonly deadLetterLoader: DataLoader<string, ChangeModel[]>;
  private readonly oldestPendingLoader: DataLoader<WebhookModel, string | null, string>;

  constructor(
    private readonly graph: Graph,
    private readonly changes: ChangesService,
    private readonly settings: WebhookSettings,
    private readonly actor: string,
  ) {
    this.repository = new WebhooksRepository(graph);
    this.deadLetterLoader = new DataLoader(async (ids) => {
      const byWebhook = await this.repository.deadLetters(ids);
      return ids.map((id) => byWebhook.get(id) ?? []);
    });
    this.oldestPendingLoader = new DataLoader(
      async (webhooks) => {
        const oldest = await this.repository.oldestPending(webhooks);
        return webhooks.map((w) => oldest.get(w.id) ?? null);
      },
      { cacheKeyFn: (w) => w.id },
    );
  }

  list(): Promise<WebhookModel[]> {
    return this.repository.list();
  }

  async define(input: WebhookInput): Promise<WebhookModel> {
    const url = checkUrl(input.url);
    const secret = checkSecret(input.secret);
    const types = [...new Set(input.types ?? [])];
    const pii = input.pii ?? false;
    // The retry policy travels with the webhook, so every instance retries it alike.
    const policy = {
      maxAttempts: this.settings.maxAttempts,
      retryBaseMs: this.settings.retryBaseMs,
      retryMaxMs: this.settings.retryMaxMs,
      batchSize: this.settings.batchSize,
    };
    if (input.id) {
      if (input.after !== null && input.after !== undefined) {
        throw badUserInput('after applies to a new webhook only; an update keeps the cursor', {
          argument: 'input.after',
        });
      }
      const id = input.id;
      const updated = await this.graph.writeTx('changes/webhook-update', async (tx) => {
        const webhook = await this.repository.update(tx, { id, url, types, secret, pii, ...policy });
        if (webhook)
          await recordAudit(tx, 'defineWebhook', this.actor, { id, url, types, pii, update: true });
        return webhook;
      });
      if (!updated) throw notFound(`No webhook with id "${id}"`);
      return updated;
    }
    const position = await this.startPosition(input.after);
    const id = randomUUID();
    return this.graph.writeTx('changes/webhook-create', async (tx) => {
      const webhook = await this.repository.create(tx, { id, url, types, secret, pii, position, ...policy });
      await recordAudit(tx, 'defineWebhook', this.actor, { id, url, types, pii, after: position });
      return webhook;
    });
  }

  /** Right after the cursor given, checked like a subscription's; none: after every change made so far. */
  private async startPosition(after: string | null | undefined): Promise<number> {
    const cursor = parseCursor(after);
    if (cursor === undefined) return Number(await this.changes.latestCursor());
    await this.changes.checkCursor(cursor);
    return cursor;
  }

  remove(id: string): Promise<boolean> {
    return this.graph.writeTx('changes/webhook-remove', async (tx) => {
      const removed = await this.repository.remove(tx, id);
      if (removed) await recordAudit(tx, 'removeWebhook', this.actor, { id });
      return removed;
    });
  }

  async replayDeadLetters(id: string): Promise<number> {
    const queued = await this.graph.writeTx('changes/webhook-replay', async (tx) => {
      const count = await this.repository.queueReplay(tx, id);
      if (count !== undefined) await recordAudit(tx, 'replayDeadLetters', this.actor, { id, queued: count });
      return count;
    });
    if (queued === undefined) throw notFound(`No webhook with id "${id}"`);
    return queued;
  }

  deadLetters(webhook: WebhookModel): Promise<ChangeModel[]> {
    return this.deadLetterLoader.load(webhook.id);
  }

  /** Seconds since the oldest change the webhook still has to deliver was made; 0 when caught up. */
  async lagSeconds(webhook: WebhookModel): Promise<number> {
    const oldest = await this.oldestPendingLoader.load(webhook);
    if (!oldest) return 0;
    return Math.max(0, (Date.now() - Date.parse(oldest)) / 1000);
  }
}
