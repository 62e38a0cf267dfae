// Requests per caller per minute, on top of the size, depth and cost limits: a token bucket per API
// key, token or client address, kept in this instance's memory (each instance limits on its own).
import { createHash } from 'node:crypto';

export type Admission = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = perMinute / 60_000;
  }

  get enabled(): boolean {
    return this.perMinute > 0;
  }

  /** Takes one request's token for this caller, or says how long until one is free. */
  take(caller: string): Admission {
    if (!this.enabled) return { allowed: true };
    const now = this.now();
    const bucket = this.buckets.get(caller) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    this.buckets.set(caller, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.forgetIdle(now);
      return { allowed: true };
    }
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000)),
    };
  }

  /** Buckets full again hold nothing worth keeping: drop them now and then, so memory stays bounded. */
  private forgetIdle(now: number) {
    if (this.buckets.size < 10_000) return;
    const refillMs = this.burst / this.perMs;
    for (const [caller, bucket] of this.buckets) if (now - bucket.at > refillMs) this.buckets.delete(caller);
  }
}

/** The caller a request is counted against: its bearer credential (hashed: never kept as is), or its address. */
export function callerOf(authorization: string | undefined, address: string | undefined): string {
  const credential = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
  return credential
    ? `bearer:${createHash('sha256').update(credential).digest('base64url')}`
    : `address:${address ?? 'unknown'}`;
}

export const rateLimitMessage = (perMinute: number, retryAfterSeconds: number) =>
  `Over the limit of ${perMinute} requests per minute for this caller; retry after ${retryAfterSeconds} s`;
