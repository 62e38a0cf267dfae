// The six stories of the design, end to end through the GraphQL API on a real Neo4j.
import { randomInt } from 'node:crypto';
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { dataOf, defineUseCase, ingest, persona, phoneFor, resolve } from '../helpers/operations.js';

let api: TestApi;
const tag = uniqueTag('story');
const at = (minute: number) => new Date(Date.UTC(2026, 5, 1, 9, minute)).toISOString();
const seedBase = randomInt(0, 5_000_000);

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

describe('Anne, the guest', () => {
  const work = `anne.work@agency-${tag}.example`;
  const personal = `anne.personal@mail-${tag}.example`;
  const father = `father@mail-${tag}.example`;
  const useCase = `trip-reminder-${tag}`;

  beforeAll(async () => {
    const result = await ingest(api, [
      {
        id: `${tag}-anne-signup`,
        type: 'signup',
        occurredAt: at(0),
        source: 'web',
        actor: {
          persona: { key: `${tag}:agency:anne-work`, context: 'WORK', label: 'Anne at work' },
          identifiers: [{ type: 'email', value: work }],
          authenticated: true,
        },
      },
      {
        id: `${tag}-family-booking`,
        type: 'booking',
        occurredAt: at(5),
        source: 'web',
        actor: {
          persona: { key: `${tag}:agency:father`, context: 'FAMILY' },
          identifiers: [{ type: 'email', value: father }],
          authenticated: true,
        },
        mentions: [{ role: 'GUEST', identifier: { type: 'email', value: `  ${personal.toUpperCase()} ` } }],
      },
    ]);
    expect(result).toMatchObject({ accepted: 2, rejected: [] });
    await defineUseCase(api, {
      name: useCase,
      description: 'Reminder for a booked trip, to the address entered for the traveller',
      scope: 'IDENTIFIER',
      contactTypes: ['email'],
    });
  });

  it('sends the trip reminder to the guest email entered in the booking', async () => {
    const booking = dataOf(
      await api.gql<{ event: { mentions: { role: string; identifier: { value: string } }[] } }>(
        /* GraphQL */ `
          query ($id: ID!) {
            event(id: $id) {
              mentions {
                role
                identifier {
                  value
                }
              }
            }
          }
        `,
        { id: `${tag}-family-booking` },
      ),
    ).event;
    const guest = booking.mentions.find((m) => m.role === 'GUEST');
    expect(guest?.identifier.value).toBe(personal);

    const resolution = await resolve(api, { type: 'email', value: guest!.identifier.value }, useCase);
    expect(resolution.contact).toEqual({ type: 'email', value: personal });
    expect(resolution.suppressions).toEqual([]);
  });

  it('never attaches the guest email to the booker or to her work persona', async () => {
    const booker = await persona(api, `${tag}:agency:father`);
    const anneWork = await persona(api, `${tag}:agency:anne-work`);
    expect(booker.identifiers.map((i) => i.value)).toEqual([father]);
    expect(anneWork.identifiers.map((i) => i.value)).toEqual([work]);
    expect(booker.person?.id).not.toBe(anneWork.person?.id);
  });

  it('does not route the reminder to her work address', async () => {
    const resolution = await resolve(api, { type: 'email', value: personal }, useCase);
    expect(resolution.contact?.value).not.toBe(work);
  });
});

describe('Joe, three personas', () => {
  const office = {
    email: `joe@office-${tag}.example`,
    phone: phoneFor(seedBase + 1),
    key: `${tag}:store:joe-office`,
  };
  const home = {
    email: `joe@home-${tag}.example`,
    phone: phoneFor(seedBase + 2),
    key: `${tag}:store:joe-personal`,
  };
  const side = { email: `joe@side-${tag}.example`, key: `${tag}:store:joe-side` };
  const loyalty = `${tag}-loyalty-77`;
  const useCase = `side-promo-${tag}`;

  beforeAll(async () => {
    const result = await ingest(api, [
      {
        id: `${tag}-joe-office`,
        type: 'signup',
        occurredAt: at(10),
        source: 'web',
        actor: {
          persona: { key: office.key, context: 'WORK', label: 'Office Joe' },
          identifiers: [
            { type: 'email', value: office.email },
            { type: 'phone', value: office.phone },
          ],
          device: { id: `${tag}-office-pc`, kind: 'DESKTOP' },
          authenticated: true,
        },
      },
      {
        id: `${tag}-joe-home`,
        type: 'signup',
        occurredAt: at(11),
        source: 'web',
        actor: {
          persona: { key: home.key, context: 'PERSONAL', label: 'Personal Joe' },
          identifiers: [
            { type: 'email', value: home.email },
            { type: 'phone', value: home.phone },
            { type: 'loyalty', value: loyalty },
          ],
          device: { id: `${tag}-home-mac`, kind: 'LAPTOP' },
          authenticated: true,
        },
        consents: [{ purpose: 'promotions', channel: 'EMAIL', granted: true }],
      },
      {
        id: `${tag}-joe-side`,
        type: 'purchase',
        occurredAt: at(12),
        source: 'store',
        actor: {
          persona: { key: side.key, context: 'BUSINESS', label: 'Side-hustle Joe' },
          identifiers: [
            { type: 'email', value: side.email },
            { type: 'loyalty', value: loyalty },
          ],
          authenticated: true,
        },
        consents: [{ purpose: 'promotions', channel: 'EMAIL', granted: true }],
      },
    ]);
    expect(result).toMatchObject({ accepted: 3, rejected: [] });
    const officeJoe = await persona(api, office.key);
    const personalJoe = await persona(api, home.key);
    dataOf(
      await api.gql(
        /* GraphQL */ `
          mutation ($a: ID!, $b: ID!) {
            linkPersonas(a: $a, b: $b, evidence: "Joe showed both cards at the store desk") {
              id
            }
          }
        `,
        { a: officeJoe.id, b: personalJoe.id },
      ),
    );
    await defineUseCase(api, {
      name: useCase,
      scope: 'PERSON',
      contexts: ['BUSINESS'],
      contactTypes: ['email'],
      consentPurpose: 'promotions',
    });
  });

  it('knows the three personas are one person', async () => {
    const officeJoe = await persona(api, office.key);
    expect(officeJoe.person?.personas.map((p) => p.key).sort()).toEqual(
      [office.key, home.key, side.key].sort(),
    );
  });

  it('sends the side-business promotion to the side-business email only', async () => {
    for (const anchor of [
      { type: 'email', value: office.email },
      { type: 'phone', value: home.phone },
    ]) {
      const resolution = await resolve(api, anchor, useCase);
      expect(resolution.contact).toEqual({ type: 'email', value: side.email });
      expect(resolution.personas.map((p) => p.key)).toEqual([side.key]);
      expect(resolution.explanation.map((s) => s.rule)).toContain('scope.context');
    }
  });

  it('never merges his personas: each keeps its own identifiers', async () => {
    const [officeJoe, personalJoe, sideJoe] = await Promise.all([
      persona(api, office.key),
      persona(api, home.key),
      persona(api, side.key),
    ]);
    expect(officeJoe.identifiers.map((i) => i.value).sort()).toEqual(
      [office.email, office.phone.replace(/\s/g, '')].sort(),
    );
    expect(personalJoe.identifiers.map((i) => i.value)).not.toContain(side.email);
    expect(sideJoe.identifiers.map((i) => i.value).sort()).toEqual([side.email, loyalty].sort());
  });
});

describe('Julia, one laptop, two browsers', () => {
  const work = `julia@corp-${tag}.example`;
  const personal = `julia@home-${tag}.example`;
  const laptop = `${tag}-julia-laptop`;
  const cookie = `${tag}-chrome-cookie`;
  const jobAlerts = `job-alerts-${tag}`;
  const browsing = `site-personalization-${tag}`;

  beforeAll(async () => {
    const result = await ingest(api, [
      {
        id: `${tag}-julia-work-login`,
        type: 'login',
        occurredAt: at(20),
        source: 'web',
        actor: {
          persona: { key: `${tag}:jobs:julia-work`, context: 'WORK' },
          identifiers: [{ type: 'email', value: work }],
          device: { id: `${tag}-chrome`, kind: 'LAPTOP', browser: 'Chrome', hardwareId: laptop },
          authenticated: true,
        },
      },
      {
        id: `${tag}-julia-alert-signup`,
        type: 'signup',
        occurredAt: at(21),
        source: 'web',
        actor: {
          persona: { key: `${tag}:jobs:julia-personal`, context: 'PERSONAL' },
          identifiers: [{ type: 'email', value: personal }],
          device: { id: `${tag}-firefox`, kind: 'LAPTOP', browser: 'Firefox', hardwareId: laptop },
          authenticated: true,
        },
        facts: [{ key: 'job_interest', value: 'mechanical engineer' }],
        consents: [
          {
            purpose: 'job-alerts',
            channel: 'EMAIL',
            granted: true,
            identifier: { type: 'email', value: personal },
          },
        ],
      },
      {
        id: `${tag}-julia-anonymous-visit`,
        type: 'page_view',
        occurredAt: at(22),
        source: 'web',
        actor: { identifiers: [{ type: 'cookie', value: cookie }], device: { id: `${tag}-chrome` } },
      },
    ]);
    expect(result).toMatchObject({ accepted: 3, rejected: [] });
    await defineUseCase(api, {
      name: jobAlerts,
      scope: 'PERSONA',
      minStrength: 'STRONG',
      contactTypes: ['email'],
      consentPurpose: 'job-alerts',
    });
    await defineUseCase(api, { name: browsing, scope: 'PERSONA', minStrength: 'WEAK', maxHops: 3 });
  });

  it('sends job offers to the personal email she signed up with', async () => {
    const resolution = await resolve(api, { type: 'email', value: personal }, jobAlerts);
    expect(resolution.contact).toEqual({ type: 'email', value: personal });
    expect(resolution.personas.map((p) => p.context)).toEqual(['PERSONAL']);
  });

  it('never sends job offers to the work email, though the laptop links both browsers', async () => {
    const resolution = await resolve(api, { type: 'email', value: work }, jobAlerts);
    expect(resolution.contact).toBeNull();
    expect(resolution.personas.map((p) => p.context)).toEqual(['WORK']);
    expect(resolution.suppressions.map((s) => s.code)).toEqual(['NO_CONSENT']);
  });

  it('does not make one person of two browsers on one laptop', async () => {
    const [w, p] = await Promise.all([
      persona(api, `${tag}:jobs:julia-work`),
      persona(api, `${tag}:jobs:julia-personal`),
    ]);
    expect(w.person?.id).not.toBe(p.person?.id);
  });

  it('follows the weak device link only for a use case that allows weak evidence', async () => {
    const strong = await resolve(api, { type: 'cookie', value: cookie }, jobAlerts);
    expect(strong.personas).toEqual([]);
    expect(strong.suppressions.map((s) => s.code)).toEqual(['NO_CONTACT']);

    const weak = await resolve(api, { type: 'cookie', value: cookie }, browsing);
    expect(weak.personas.map((p) => p.key)).toEqual([`${tag}:jobs:julia-work`]);
    expect(weak.confidence).toBeLessThan(1);
    expect(weak.explanation.find((s) => s.rule === 'evidence.path')?.detail).toMatch(/OBSERVED\(WEAK\)/);
  });
});

describe('Sam, the allergy', () => {
  const phone = phoneFor(seedBase + 3);
  const a = `sam.a@mail-${tag}.example`;
  const b = `sam.b@mail-${tag}.example`;
  const orderPrep = `order-preparation-${tag}`;
  const accountOnly = `account-notice-${tag}`;

  beforeAll(async () => {
    const result = await ingest(api, [
      {
        id: `${tag}-sam-a`,
        type: 'signup',
        occurredAt: at(30),
        source: 'app',
        actor: {
          persona: { key: `${tag}:food:sam-a`, context: 'PERSONAL' },
          identifiers: [
            { type: 'email', value: a },
            { type: 'phone', value: phone },
          ],
          authenticated: true,
        },
        facts: [{ key: 'allergy', value: 'peanuts', method: 'DIRECT' }],
      },
      {
        id: `${tag}-sam-b`,
        type: 'signup',
        occurredAt: at(31),
        source: 'app',
        actor: {
          persona: { key: `${tag}:food:sam-b`, context: 'PERSONAL' },
          identifiers: [
            { type: 'email', value: b },
            { type: 'phone', value: phone },
          ],
          authenticated: true,
        },
      },
    ]);
    expect(result).toMatchObject({ accepted: 2, rejected: [] });
    await defineUseCase(api, { name: orderPrep, scope: 'PERSON', description: 'Safety: preparing an order' });
    await defineUseCase(api, { name: accountOnly, scope: 'PERSONA', contactTypes: ['email'] });
  });

  it('shows the allergy recorded on one account when preparing an order for the other', async () => {
    const resolution = await resolve(api, { type: 'email', value: b }, orderPrep);
    expect(resolution.personas.map((p) => p.key).sort()).toEqual([`${tag}:food:sam-a`, `${tag}:food:sam-b`]);
    expect(resolution.facts).toContainEqual({ key: 'allergy', value: 'peanuts', method: 'DIRECT' });
    expect(resolution.explanation.find((s) => s.rule === 'scope.person')?.detail).toMatch(/share phone/);
  });

  it('keeps the allergy out of a use case that looks at one account only', async () => {
    const resolution = await resolve(api, { type: 'email', value: b }, accountOnly);
    expect(resolution.facts).toEqual([]);
    expect(resolution.contact).toEqual({ type: 'email', value: b });
  });
});

describe('The consultant, one phone for 2FA', () => {
  const phone = phoneFor(seedBase + 4);
  const clients = ['alpha', 'beta', 'gamma'].map((c) => ({
    key: `${tag}:portal:consultant-${c}`,
    email: `consultant@${c}-${tag}.example`,
  }));
  const clientNotice = `client-notice-${tag}`;
  const twoFactor = `two-factor-${tag}`;

  beforeAll(async () => {
    const result = await ingest(
      api,
      clients.map((c, i) => ({
        id: `${tag}-consultant-${i}`,
        type: 'login',
        occurredAt: at(40 + i),
        source: 'portal',
        actor: {
          persona: { key: c.key, context: 'WORK' },
          identifiers: [
            { type: 'email', value: c.email },
            { type: 'phone', value: phone },
          ],
          authenticated: true,
        },
      })),
    );
    expect(result).toMatchObject({ accepted: 3, rejected: [] });
    await defineUseCase(api, { name: clientNotice, scope: 'PERSONA', contactTypes: ['email'] });
    await defineUseCase(api, { name: twoFactor, scope: 'IDENTIFIER', contactTypes: ['phone'] });
  });

  it('knows the shared phone means one person', async () => {
    const first = await persona(api, clients[0]!.key);
    expect(first.person?.personas.map((p) => p.key).sort()).toEqual(clients.map((c) => c.key).sort());
  });

  it("keeps each client's email for that client's use case", async () => {
    for (const client of clients) {
      const resolution = await resolve(api, { type: 'email', value: client.email }, clientNotice);
      expect(resolution.contact).toEqual({ type: 'email', value: client.email });
      expect(resolution.personas.map((p) => p.key)).toEqual([client.key]);
    }
  });

  it('refuses to pick a client from the phone alone', async () => {
    const resolution = await resolve(api, { type: 'phone', value: phone }, clientNotice);
    expect(resolution.contact).toBeNull();
    expect(resolution.suppressions.map((s) => s.code)).toEqual(['AMBIGUOUS']);
    expect(resolution.candidates.map((c) => c.key).sort()).toEqual(clients.map((c) => c.key).sort());
  });

  it('sends the 2FA code to the phone itself', async () => {
    const resolution = await resolve(api, { type: 'phone', value: phone }, twoFactor);
    expect(resolution.contact?.type).toBe('phone');
  });
});

describe('The switchboard number', () => {
  const switchboard = phoneFor(seedBase + 5);
  const people = Array.from({ length: 7 }, (_, i) => ({
    key: `${tag}:crm:employee-${i}`,
    email: `employee${i}@company${i}-${tag}.example`,
  }));
  const event = (i: number) => ({
    id: `${tag}-switchboard-${i}`,
    type: 'signup',
    occurredAt: at(50 + i),
    source: 'crm',
    actor: {
      persona: { key: people[i]!.key, context: 'WORK' },
      identifiers: [
        { type: 'email', value: people[i]!.email },
        { type: 'phone', value: switchboard },
      ],
    },
  });
  const personUseCase = `account-review-${tag}`;

  it('groups two people by the number while it is within its limit', async () => {
    await ingest(api, [event(0), event(1)]);
    const [a, b] = await Promise.all([persona(api, people[0]!.key), persona(api, people[1]!.key)]);
    expect(a.person?.id).toBe(b.person?.id);
  });

  it('marks the number shared once too many people list it, and splits the persons it glued', async () => {
    const result = await ingest(api, [2, 3, 4, 5, 6].map(event));
    expect(result.accepted).toBe(5);
    const personas = await Promise.all(people.map((p) => persona(api, p.key)));
    expect(personas[0]!.identifiers.find((i) => i.type === 'phone')?.shared).toBe(true);
    expect(new Set(personas.map((p) => p.person?.id)).size).toBe(people.length);
  });

  it('never resolves anyone through the shared number', async () => {
    await defineUseCase(api, { name: personUseCase, scope: 'PERSON', contactTypes: ['email'] });
    const resolution = await resolve(api, { type: 'phone', value: switchboard }, personUseCase);
    expect(resolution.contact).toBeNull();
    expect(resolution.suppressions.map((s) => s.code)).toEqual(['SHARED_IDENTIFIER', 'AMBIGUOUS']);
    expect(resolution.candidates).toHaveLength(people.length);
  });

  it('ignores a placeholder number but keeps the rest of the event', async () => {
    const result = await ingest(api, [
      {
        id: `${tag}-placeholder-phone`,
        type: 'signup',
        occurredAt: at(59),
        source: 'crm',
        actor: {
          persona: { key: `${tag}:crm:placeholder`, context: 'WORK' },
          identifiers: [
            { type: 'email', value: `someone@placeholder-${tag}.example` },
            { type: 'phone', value: '0000000000' },
          ],
        },
      },
    ]);
    expect(result.accepted).toBe(1);
    expect(result.ignored).toEqual([
      expect.objectContaining({
        index: 0,
        type: 'phone',
        value: '0000000000',
        reason: expect.stringMatching(/blocked/),
      }),
    ]);
    const stored = await persona(api, `${tag}:crm:placeholder`);
    expect(stored.identifiers.map((i) => i.type)).toEqual(['email']);
  });
});
