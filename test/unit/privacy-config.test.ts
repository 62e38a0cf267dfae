// Stack traces only when a developer asks for them; erased identifiers hashed with the configured key.
import { loadConfig } from '../../src/config.js';
import { erasedHash } from '../../src/access/erased.js';

const secret = 'a-deployment-secret-0123456789';

describe('stack traces in error responses', () => {
  it('are off when NODE_ENV is unset, as the README starts the service', () => {
    expect(loadConfig({}).privacy.showStackTraces).toBe(false);
  });
  it('are off in production and in tests', () => {
    expect(loadConfig({ NODE_ENV: 'production', ERASURE_SECRET: secret }).privacy.showStackTraces).toBe(
      false,
    );
    expect(loadConfig({ NODE_ENV: 'test' }).privacy.showStackTraces).toBe(false);
  });
  it('are on with NODE_ENV=development, or with SHOW_STACK_TRACES=true', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).privacy.showStackTraces).toBe(true);
    expect(loadConfig({ SHOW_STACK_TRACES: 'true' }).privacy.showStackTraces).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development', SHOW_STACK_TRACES: 'false' }).privacy.showStackTraces).toBe(
      false,
    );
  });
});

describe('the erasure key', () => {
  it('must be set in production: the published local key would let anyone test who was erased', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      'ERASURE_SECRET: required when NODE_ENV=production (16 characters or more, kept secret)',
    );
    expect(loadConfig({ NODE_ENV: 'production', ERASURE_SECRET: secret }).privacy).toMatchObject({
      erasureSecret: secret,
      developmentErasureSecret: false,
    });
  });
  it('falls back to the local key elsewhere, and says so', () => {
    expect(loadConfig({}).privacy.developmentErasureSecret).toBe(true);
  });
});

describe('the keyed hash of erased identifiers', () => {
  const email = { type: 'email', value: 'anne@mail.example' };
  it('depends on the secret, so the store alone does not reveal who was erased', () => {
    expect(erasedHash('secret-one-0123456789', email)).not.toBe(erasedHash('secret-two-0123456789', email));
    expect(erasedHash('secret-one-0123456789', email)).toMatch(/^[0-9a-f]{64}$/);
  });
  it('keeps type and value apart', () => {
    expect(erasedHash('s', { type: 'ab', value: 'c' })).not.toBe(erasedHash('s', { type: 'a', value: 'bc' }));
  });
});
