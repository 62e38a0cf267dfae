// Fact precedence and configuration, as pure rules.
import { loadConfig, ConfigError } from '../../src/config.js';
import { chooseFacts } from '../../src/resolution/resolution.rules.js';
import type { FactModel } from '../../src/identity/identity.model.js';

const fact = (over: Partial<FactModel>): FactModel => ({
  id: Math.random().toString(36),
  key: 'diet',
  value: 'x',
  method: 'DIRECT',
  source: 'web',
  at: '2026-01-01T00:00:00.000Z',
  confidence: 1,
  personaId: 'p',
  ...over,
});

describe('choosing one fact per key', () => {
  it('prefers what the customer told us over what we observed or computed, even if older', () => {
    const told = fact({ value: 'vegan', method: 'DIRECT', at: '2025-01-01T00:00:00.000Z' });
    const seen = fact({ value: 'vegetarian', method: 'INDIRECT', at: '2026-06-01T00:00:00.000Z' });
    expect(chooseFacts([seen, told])).toEqual([told]);
  });

  it('then prefers the most recent, then the most confident', () => {
    const old = fact({ value: 'a', at: '2025-01-01T00:00:00.000Z' });
    const recentUnsure = fact({ value: 'b', at: '2026-01-01T00:00:00.000Z', confidence: 0.4 });
    const recentSure = fact({ value: 'c', at: '2026-01-01T00:00:00.000Z', confidence: 0.9 });
    expect(chooseFacts([old, recentUnsure, recentSure]).map((f) => f.value)).toEqual(['c']);
  });
});

describe('configuration', () => {
  it('reports every problem at once', () => {
    expect(() => loadConfig({ PORT: 'eighty', DEFAULT_REGION: 'usa' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', DEFAULT_REGION: 'usa' });
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(2);
    }
  });

  it('parses API keys with their roles', () => {
    expect(loadConfig({ API_KEYS: 'k1=read+pii,k2=admin' }).apiKeys).toEqual([
      { key: 'k1', roles: ['read', 'pii'] },
      { key: 'k2', roles: ['admin'] },
    ]);
    expect(() => loadConfig({ API_KEYS: 'k1=root' })).toThrow(/unknown role/);
  });
});
