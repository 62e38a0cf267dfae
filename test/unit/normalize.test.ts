// Identifier normalization: the same identifier written differently is one identifier.
import type { IdentifierTypeModel } from '../../src/identity/identity.model.js';
import { normalizeIdentifier } from '../../src/identity/normalize.js';

const email: IdentifierTypeModel = {
  name: 'email',
  kind: 'EMAIL',
  contactChannel: 'EMAIL',
  maxPersonas: 3,
  blockedValues: ['test@test.com'],
  staleAfterDays: null,
  recycleAfterDays: null,
};
const phone: IdentifierTypeModel = {
  name: 'phone',
  kind: 'PHONE',
  contactChannel: 'SMS',
  maxPersonas: 5,
  blockedValues: ['0000000000'],
  staleAfterDays: null,
  recycleAfterDays: null,
};
const cookie: IdentifierTypeModel = {
  name: 'cookie',
  kind: 'COOKIE',
  contactChannel: null,
  maxPersonas: 1,
  blockedValues: [],
  staleAfterDays: null,
  recycleAfterDays: null,
};

describe('normalizing identifiers', () => {
  it('trims and lower-cases emails', () => {
    expect(normalizeIdentifier('  Anne.Personal@Mail.COM ', email, 'US')).toEqual({
      outcome: 'ok',
      value: 'anne.personal@mail.com',
    });
  });

  it('writes phones in E.164, using the default region for national numbers', () => {
    expect(normalizeIdentifier('(212) 555-0142', phone, 'US')).toEqual({
      outcome: 'ok',
      value: '+12125550142',
    });
    expect(normalizeIdentifier('01 42 68 53 00', phone, 'FR')).toEqual({
      outcome: 'ok',
      value: '+33142685300',
    });
    expect(normalizeIdentifier('+33 1 42 68 53 00', phone, 'US')).toEqual({
      outcome: 'ok',
      value: '+33142685300',
    });
  });

  it('rejects what is not an email or a phone number', () => {
    expect(normalizeIdentifier('anne at mail', email, 'US').outcome).toBe('invalid');
    expect(normalizeIdentifier('12', phone, 'US').outcome).toBe('invalid');
  });

  it('blocks placeholders and the type’s blocked values, however they are written', () => {
    expect(normalizeIdentifier('NULL', cookie, 'US').outcome).toBe('blocked');
    expect(normalizeIdentifier(' Test@Test.com', email, 'US').outcome).toBe('blocked');
    expect(normalizeIdentifier('000-000-0000', phone, 'US').outcome).toBe('blocked');
  });

  it('keeps cookies and account ids as written, only trimmed', () => {
    expect(normalizeIdentifier(' AbC-123 ', cookie, 'US')).toEqual({ outcome: 'ok', value: 'AbC-123' });
  });
});

describe('masking personal data', () => {
  it('keeps enough of an identifier to recognize it, and no more', async () => {
    const { maskIdentifier } = await import('../../src/access/masking.js');
    expect(maskIdentifier({ type: 'email', value: 'anne.personal@mail.com' })).toBe('a***@mail.com');
    expect(maskIdentifier({ type: 'phone', value: '+12125550142' })).toBe('+1***42');
    expect(maskIdentifier({ type: 'account', value: 'ACCT-99812' })).toBe('AC***');
  });
});
