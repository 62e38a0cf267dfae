import { RateLimiter } from '../../src/rate-limit.js';

describe('RateLimiter', () => {
  it('allows the burst, then one operation per refill interval', () => {
    let now = 0;
    const limiter = new RateLimiter({ perMinute: 60, burst: 2 }, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([null, null, 1]);
    now += 1000;
    expect([limiter.take('a'), limiter.take('a')]).toEqual([null, 1]);
  });

  it('keeps a bucket per caller', () => {
    const limiter = new RateLimiter({ perMinute: 1, burst: 1 }, () => 0);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('b')]).toEqual([null, 60, null]);
  });

  it('limits nothing when perMinute is 0', () => {
    const limiter = new RateLimiter({ perMinute: 0, burst: 1 }, () => 0);
    expect([limiter.take('a'), limiter.take('a')]).toEqual([null, null]);
  });
});
