// Stack traces only when a developer asks for them; erased identifiers hashed with the configured key.
import { loadConfig } from '../../src/config.js';
import { erasedHash } from '../../src/privacy/erased.js';

const productionSecret = 'a-production-erasure-secret';

describe('stack traces in error responses', () => {
  it('are off when NODE_ENV is unset, as the README starts the service', () => {
    expect(loadConfig({}).privacy.showStackTraces).toBe(false);
  });
  it('are off in production and in tests', () => {
    expect(
      loadConfig({ NODE_ENV: 'production', ERASURE_SECRET: productionSecret }).privacy.showStackTraces,
    ).toBe(false);
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

describe('ERASURE_SECRET', () => {
  it('is required in production: the service refuses to start with the development key', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      'ERASURE_SECRET: required when NODE_ENV=production (at least 16 random characters)',
    );
    expect(loadConfig({ NODE_ENV: 'production', ERASURE_SECRET: productionSecret }).privacy).toMatchObject({
      erasureSecret: productionSecret,
      erasureSecretIsDevelopmentKey: false,
    });
  });
  it('falls back to the development key elsewhere, flagged so `idgraph serve` warns', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).privacy.erasureSecretIsDevelopmentKey).toBe(true);
    expect(loadConfig({}).privacy.erasureSecretIsDevelopmentKey).toBe(true);
  });
});
