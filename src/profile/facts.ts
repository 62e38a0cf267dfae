// What a fact key allows: the one check ingest (facts and answers) applies before anything is stored.
import type { FactKeyModel } from './profile.model.js';

const isoDate = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

const allowed = (key: FactKeyModel, value: string) => !key.allowedValues || key.allowedValues.includes(value);
const listOf = (values: string[] | null) => values?.map((v) => `"${v}"`).join(', ') ?? '';

/** Why a value breaks its key, or null when it fits. Keys without a type accept anything. */
export function factValueProblem(key: FactKeyModel, value: unknown): string | null {
  const shown = JSON.stringify(value)?.slice(0, 60) ?? String(value);
  const expect = (what: string) => `${key.key} expects ${what}, not ${shown}`;
  switch (key.type) {
    case 'STRING':
      if (typeof value !== 'string') return expect('a string');
      return allowed(key, value) ? null : expect(`one of ${listOf(key.allowedValues)}`);
    case 'NUMBER':
      return typeof value === 'number' && Number.isFinite(value) ? null : expect('a number');
    case 'BOOLEAN':
      return typeof value === 'boolean' ? null : expect('true or false');
    case 'DATE':
      return typeof value === 'string' && isoDate.test(value) && !Number.isNaN(Date.parse(value))
        ? null
        : expect('an ISO-8601 date such as "1990-04-01"');
    case 'ENUM':
      return typeof value === 'string' && allowed(key, value)
        ? null
        : expect(`one of ${listOf(key.allowedValues)}`);
    case 'LIST': {
      const items = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(items) || !items.every((v): v is string => typeof v === 'string'))
        return expect('a list of strings');
      const wrong = items.filter((v) => !allowed(key, v));
      return wrong.length ? expect(`values among ${listOf(key.allowedValues)}`) : null;
    }
    default:
      return null;
  }
}

/** The strings a value stands for: a list's items, or the value itself (follow-up conditions, rendering). */
export function valuesOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  if (value === null || value === undefined) return [];
  return [typeof value === 'string' ? value : JSON.stringify(value)];
}
