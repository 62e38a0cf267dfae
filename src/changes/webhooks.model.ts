// Webhooks: receivers of the change feed by HTTP POST, and the delivery state kept for each in the graph.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ChangeType } from '../outbox/outbox.model.js';

/** A webhook as the API shows it: never its secret. */
export interface WebhookModel {
  id: string;
  url: string;
  /** Empty: every type. */
  types: ChangeType[];
  pii: boolean;
  /** The last change a receiver acknowledged (null before the first). */
  cursor: number | null;
  /** Where reading stopped: past `cursor` by changes the type filter leaves out. */
  position: number;
  /** Failed attempts since the last acknowledged delivery. */
  failures: number;
  /** Failed attempts of the batch now being sent (reset when it lands or becomes dead letters). */
  attempts: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  batchSize: number;
  lastError: string | null;
  /** ISO-8601; null when no retry waits. */
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  /** Dead letters queued for another try. */
  replayPending: number;
}

/** What the deliverer needs besides the model: the secret it signs with. */
export interface WebhookTarget extends WebhookModel {
  secret: string;
}

/** The retry policy a webhook is defined with, from the defining instance's settings. */
export interface WebhookPolicy {
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  batchSize: number;
}

/** One change as a receiver gets it: the fields of the GraphQL type Change. */
export interface DeliveredChange {
  cursor: string;
  type: ChangeType;
  at: string;
  personaIds: string[];
  personIds: string[];
  data: unknown;
}

export const signatureHeader = 'X-Idgraph-Signature';

/** The header value for a body: `sha256=<hex HMAC-SHA256 of the raw body with the secret>`. */
export function sign(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** What a receiver does (docs/changes.md, "Webhooks"): recompute the signature over the raw body and compare in constant time. */
export function isValidSignature(body: string, secret: string, header: string | null | undefined): boolean {
  const expected = Buffer.from(sign(body, secret));
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The wait before attempt `attempts + 1`, after `attempts` failures: base · 2^(attempts−1), capped. */
export function backoffMs(
  attempts: number,
  policy: Pick<WebhookPolicy, 'retryBaseMs' | 'retryMaxMs'>,
): number {
  if (attempts < 1) return 0;
  return Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** Math.min(attempts - 1, 30));
}
