// What callers without the pii role see instead of personal data: identifier values and sensitive
// facts (health, diet). One place, so the API and the change feed mask alike.
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

export const isFactMasked = (fact: { sensitive?: boolean | null }, auth: AuthContext) =>
  Boolean(fact.sensitive) && !mayReadPii(auth);

/**
 * Change data with its personal values masked: the identifier value of IDENTIFIER_* changes, the
 * contact point of a consent, the values of a sensitive fact. Other fields stay as they are.
 */
export function maskChangeData(type: string, data: unknown): unknown {
  if (!data || typeof data !== 'object') return data;
  const fields: Record<string, unknown> = { ...data };
  if (type === 'CONSENT_RECORDED') {
    if (!fields.identifier || typeof fields.identifier !== 'object') return data;
    return { ...fields, identifier: { ...fields.identifier, value: maskedValue }, masked: true };
  }
  if (type === 'FACT_RECORDED') {
    return fields.sensitive ? { ...fields, value: maskedValue, previous: maskedValue, masked: true } : data;
  }
  if (!('value' in fields)) return data;
  return { ...fields, value: maskedValue, masked: true };
}
