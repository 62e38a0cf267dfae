// The pure rules of webhook delivery: the signature a receiver checks, the backoff between attempts,
// what a webhook without pii receives, and the settings that could not work together.
import { createHmac } from 'node:crypto';
import { toDelivered } from '../../src/changes/webhooks.deliverer.js';
import { backoffMs, isValidSignature, sign } from '../../src/changes/webhooks.model.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { maskedValue } from '../../src/access/masking.js';

describe('webhook signatures', () => {
  const body = '{"changes":[{"cursor":"7"}]}';
  const secret = 'a-secret-of-sixteen+';

  it('is the hex HMAC-SHA256 of the raw body with the secret, prefixed sha256=', () => {
    expect(sign(body, secret)).toBe(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  });

  it('accepts only the signature of the very body with the very secret', () => {
    expect(isValidSignature(body, secret, sign(body, secret))).toBe(true);
    expect(isValidSignature(`${body} `, secret, sign(body, secret))).toBe(false);
    expect(isValidSignature(body, 'another-secret-here', sign(body, secret))).toBe(false);
    expect(isValidSignature(body, secret, undefined)).toBe(false);
    expect(isValidSignature(body, secret, 'sha256=00')).toBe(false);
  });
});

describe('webhook backoff', () => {
  const policy = { retryBaseMs: 1000, retryMaxMs: 60_000 };

  it('doubles from the base after each failed attempt, up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((attempts) => backoffMs(attempts, policy))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000,
    ]);
  });

  it('waits not at all before the first attempt, and stays finite after very many', () => {
    expect(backoffMs(0, policy)).toBe(0);
    expect(backoffMs(10_000, policy)).toBe(60_000);
  });
});

describe('what a webhook receives', () => {
  const change = {
    seq: 42,
    id: 'c-42',
    type: 'IDENTIFIER_ATTACHED' as const,
    at: '2026-11-23T10:00:00.000Z',
    personaIds: ['p1'],
    personIds: ['q1'],
    data: { type: 'email', value: 'anne@example.test' },
  };

  it('has the fields of the Change type, its place as the cursor, and no internal id', () => {
    expect(toDelivered(change, true)).toEqual({
      cursor: '42',
      type: 'IDENTIFIER_ATTACHED',
      at: '2026-11-23T10:00:00.000Z',
      personaIds: ['p1'],
      personIds: ['q1'],
      data: { type: 'email', value: 'anne@example.test' },
    });
  });

  it('masks identifier values for a webhook defined without pii', () => {
    expect(toDelivered(change, false).data).toEqual({ type: 'email', value: maskedValue, masked: true });
  });
});

describe('webhook settings', () => {
  it('refuses a lease shorter than two timeouts and a checkpoint longer than a third of the lease', () => {
    expect(() => loadConfig({ WEBHOOK_TIMEOUT_MS: '10000', WEBHOOK_LEASE_MS: '15000' })).toThrow(ConfigError);
    expect(() => loadConfig({ WEBHOOK_LEASE_MS: '30000', WEBHOOK_CHECKPOINT_MS: '20000' })).toThrow(
      /WEBHOOK_CHECKPOINT_MS must be at most a third of WEBHOOK_LEASE_MS/,
    );
    expect(loadConfig({}).webhooks).toEqual({
      batchSize: 50,
      maxAttempts: 12,
      retryBaseMs: 1000,
      retryMaxMs: 600_000,
      timeoutMs: 10_000,
      leaseMs: 30_000,
      checkpointMs: 500,
    });
  });
});
