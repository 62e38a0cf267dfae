// Rate limits per caller: a token bucket per API key (or per address for callers without one), on
// top of the size, depth and cost limits of src/limits.ts. Kept in memory: each instance limits
// its own traffic.
import { GraphQLError } from 'graphql';

export interface RateLimitSettings {
  /** Operations a caller may start per minute on average; 0 turns rate limiting off. */
  perMinute: number;
  /** Operations a caller may start at once after being idle. */
  burst: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Callers idle this long are forgotten, so the map does not grow with every caller ever seen. */
const idleForgetMs = 10 * 60_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(
    private readonly settings: RateLimitSettings,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.settings.perMinute > 0;
  }

  /** Takes one token for the caller: null when allowed, else the seconds until a token is back. */
  take(caller: string): number | null {
    if (!this.enabled) return null;
    const now = this.now();
    this.sweep(now);
    const ratePerMs = this.settings.perMinute / 60_000;
    const bucket = this.buckets.get(caller) ?? { tokens: this.settings.burst, updatedAt: now };
    bucket.tokens = Math.min(this.settings.burst, bucket.tokens + (now - bucket.updatedAt) * ratePerMs);
    bucket.updatedAt = now;
    this.buckets.set(caller, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return null;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000));
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < idleForgetMs) return;
    this.lastSweep = now;
    for (const [caller, bucket] of this.buckets) {
      if (now - bucket.updatedAt > idleForgetMs) this.buckets.delete(caller);
    }
  }
}

/** Who a request counts against: its bearer credential, or its address when it sends none. */
export function callerOf(authorization: string | undefined, address: string | undefined): string {
  const token = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
  return token ? `token:${token}` : `address:${address ?? 'unknown'}`;
}

export function rateLimited(retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(`Rate limit exceeded: retry in ${retryAfterSeconds} s`, {
    extensions: { code: 'RATE_LIMITED', retryAfter: retryAfterSeconds },
  });
}
