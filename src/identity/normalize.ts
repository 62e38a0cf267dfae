// Normalizes identifier values by their type's kind, and says which values are never stored.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { IdentifierKind, IdentifierTypeModel } from './identity.model.js';

/** Placeholders that systems write where a value is missing; never evidence of anything. */
const placeholderValues = new Set([
  '',
  'null',
  'undefined',
  'none',
  'n/a',
  'na',
  'unknown',
  'anonymous',
  '-',
]);

export const defaultMaxPersonas: Record<IdentifierKind, number> = {
  EMAIL: 3,
  PHONE: 5,
  ACCOUNT: 1,
  COOKIE: 1,
  DEVICE: 1,
  OTHER: 1,
};

export type Normalized =
  | { outcome: 'ok'; value: string }
  | { outcome: 'blocked'; reason: string }
  | { outcome: 'invalid'; reason: string };

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function comparable(value: string): string {
  return value.trim().toLowerCase();
}

/** The forms a blocked value is compared in: as written, and with only its digits for phones. */
function isBlocked(raw: string, normalized: string | null, type: IdentifierTypeModel): boolean {
  const forms = new Set([comparable(raw)]);
  if (normalized) forms.add(comparable(normalized));
  if (type.kind === 'PHONE') forms.add(raw.replace(/\D/g, ''));
  return type.blockedValues.some((blocked) => forms.has(comparable(blocked)));
}

export function normalizeIdentifier(
  raw: string,
  type: IdentifierTypeModel,
  defaultRegion: string,
): Normalized {
  if (placeholderValues.has(comparable(raw))) {
    return { outcome: 'blocked', reason: `"${raw}" is a placeholder, not an identifier` };
  }
  if (type.kind === 'PHONE' && isBlocked(raw, null, type)) {
    return { outcome: 'blocked', reason: `${type.name} "${raw}" is a blocked value` };
  }
  let value: string;
  switch (type.kind) {
    case 'EMAIL': {
      value = comparable(raw);
      if (!emailPattern.test(value))
        return { outcome: 'invalid', reason: `"${raw}" is not an email address` };
      break;
    }
    case 'PHONE': {
      const phone = parsePhoneNumberFromString(raw.trim(), defaultRegion as CountryCode);
      if (!phone || !phone.isValid()) {
        return {
          outcome: 'invalid',
          reason: `"${raw}" is not a valid phone number (default region ${defaultRegion})`,
        };
      }
      value = phone.number;
      break;
    }
    default:
      value = raw.trim();
  }
  if (isBlocked(raw, value, type))
    return { outcome: 'blocked', reason: `${type.name} "${raw}" is a blocked value` };
  return { outcome: 'ok', value };
}
