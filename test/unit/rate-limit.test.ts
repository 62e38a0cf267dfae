// The token bucket behind RATE_LIMIT_PER_MINUTE: a burst, then one request per refill, per caller.
import { callerOf, RateLimiter } from '../../src/rate-limit.js';

describe('the rate limiter', () => {
  it('admits a burst, then one request per refill interval, and says when the next is free', () => {
    let now = 0;
    const limiter = new RateLimiter(60, 2, () => now);
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 1_000;
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('counts each caller on its own', () => {
    const limiter = new RateLimiter(1, 1, () => 0);
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 60 });
    expect(limiter.take('b')).toEqual({ allowed: true });
  });

  it('admits everything when no rate is set', () => {
    const limiter = new RateLimiter(0, 1);
    for (let i = 0; i < 100; i++) expect(limiter.take('a')).toEqual({ allowed: true });
  });

  it('counts a bearer credential by its hash, and an anonymous caller by its address', () => {
    expect(callerOf('Bearer secret-key', '10.0.0.1')).toMatch(/^bearer:[A-Za-z0-9_-]{43}$/);
    expect(callerOf('Bearer secret-key', '10.0.0.1')).not.toContain('secret-key');
    expect(callerOf(undefined, '10.0.0.1')).toBe('address:10.0.0.1');
  });
});
