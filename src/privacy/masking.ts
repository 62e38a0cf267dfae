// What callers without the pii role see instead of personal data: identifier values and sensitive
// facts (health, diet). One place, so the API and the change feed mask alike.
import type { FactModel } from '../identity/identity.model.js';
import type { AuthContext } from './auth.js';

export const maskedValue = '[masked: needs the pii role]';

export const mayReadPii = (auth: AuthContext) => auth.roles.has('pii');

/** Keeps enough to recognize an identifier (first letter and domain, last two digits), hides the rest. */
export function maskIdentifier({ type, value }: { type: string; value: string }): string {
  if (type === 'email' || value.includes('@')) {
    const [local = '', domain = ''] = value.split('@');
    return `${local.slice(0, 1)}***@${domain}`;
  }
  if (/^\+\d+$/.test(value)) return `${value.slice(0, 2)}***${value.slice(-2)}`;
  return `${value.slice(0, 2)}***`;
}

export const isFactMasked = (fact: FactModel, auth: AuthContext) =>
  Boolean(fact.sensitive) && !mayReadPii(auth);

/** Change data that names an identifier ({type, value, …}) with the value masked. */
export function maskChangeData(data: unknown): unknown {
  if (!data || typeof data !== 'object' || !('value' in data)) return data;
  return { ...data, value: maskedValue, masked: true };
}
