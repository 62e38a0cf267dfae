// Identifiers in time, through the GraphQL API: a recycled phone number, an email change, a stale
// household cookie, answers as of an earlier date, and a message that must reach every account.
import { randomBytes } from 'node:crypto';
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { dataOf, defineUseCase, ingest, persona, phoneFor } from '../helpers/operations.js';

const tag = uniqueTag('lifecycle');
const email = (name: string) => `${name}@${tag}.example`;
const key = (name: string) => `${tag}:${name}`;

const RESOLVE_AT = /* GraphQL */ `
  query ResolveAt($identifier: IdentifierInput!, $useCase: String!, $at: DateTime) {
    resolve(identifier: $identifier, useCase: $useCase, at: $at) {
      personas {
        key
      }
      contact {
        type
        value
      }
      contacts {
        value
      }
      suppressions {
        code
      }
      explanation {
        rule
        detail
      }
    }
  }
`;

const MEMBERSHIPS = /* GraphQL */ `
  query Memberships($type: String!, $value: String!) {
    identifier(type: $type, value: $value) {
      memberships {
        persona {
          key
        }
        from
        lastSeen
        to
        endedBy
      }
    }
  }
`;

interface Answer {
  personas: { key: string }[];
  contact: { type: string; value: string } | null;
  contacts: { value: string }[];
  suppressions: { code: string }[];
  explanation: { rule: string; detail: string }[];
}

async function resolveAt(
  api: TestApi,
  identifier: { type: string; value: string },
  useCase: string,
  at?: string,
): Promise<Answer> {
  return dataOf(await api.gql<{ resolve: Answer }>(RESOLVE_AT, { identifier, useCase, at })).resolve;
}

async function memberships(api: TestApi, type: string, value: string) {
  const body = await api.gql<{
    identifier: {
      memberships: {
        persona: { key: string };
        from: string;
        lastSeen: string;
        to: string | null;
        endedBy: string | null;
      }[];
    } | null;
  }>(MEMBERSHIPS, { type, value });
  return dataOf(body).identifier!.memberships.map((m) => ({ ...m, persona: m.persona.key }));
}

function event(
  id: string,
  at: string,
  name: string,
  identifiers: { type: string; value: string }[],
  extra: Record<string, unknown> = {},
) {
  return {
    id: `${tag}-${id}`,
    type: 'login',
    occurredAt: at,
    source: 'web',
    actor: { persona: { key: key(name), context: 'PERSONAL' }, identifiers, authenticated: true },
    ...extra,
  };
}

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

describe('a recycled phone number', () => {
  const phone = phoneFor(Number.parseInt(randomBytes(3).toString('hex'), 16));
  const reminders = `${tag}-reminders`;
  const phoneE164 = phone.replace(/ /g, '');

  beforeAll(async () => {
    await defineUseCase(api, { name: reminders, scope: 'PERSONA', contactTypes: ['phone'] });
    await defineUseCase(api, { name: `${reminders}-person`, scope: 'PERSON', contactTypes: ['phone'] });
    // The old owner proves the number in January and then goes silent; in June a new customer
    // confirms it by one-time code: 142 silent days, over the 90 the phone type allows.
    const result = await ingest(api, [
      event('old-signup', '2026-01-10T09:00:00Z', 'old-owner', [
        { type: 'email', value: email('old-owner') },
        { type: 'phone', value: phone },
      ]),
      event('new-otp', '2026-06-01T09:00:00Z', 'new-owner', [
        { type: 'email', value: email('new-owner') },
        { type: 'phone', value: phone },
      ]),
    ]);
    expect(result.rejected).toEqual([]);
  });

  it('ends the old owner’s membership at the moment the new owner proved the number', async () => {
    expect(await memberships(api, 'phone', phoneE164)).toEqual([
      {
        persona: key('old-owner'),
        from: '2026-01-10T09:00:00.000Z',
        lastSeen: '2026-01-10T09:00:00.000Z',
        to: '2026-06-01T09:00:00.000Z',
        endedBy: 'RECYCLED',
      },
      {
        persona: key('new-owner'),
        from: '2026-06-01T09:00:00.000Z',
        lastSeen: '2026-06-01T09:00:00.000Z',
        to: null,
        endedBy: null,
      },
    ]);
  });

  it('sends the number’s reminders to the new owner only, and keeps the two strangers apart', async () => {
    const now = await resolveAt(api, { type: 'phone', value: phone }, reminders);
    expect(now.personas).toEqual([{ key: key('new-owner') }]);
    expect(now.contact).toEqual({ type: 'phone', value: phoneE164 });
    const [oldOwner, newOwner] = [await persona(api, key('old-owner')), await persona(api, key('new-owner'))];
    expect(oldOwner.person!.id).not.toBe(newOwner.person!.id);
    expect(oldOwner.person!.personas).toEqual([{ key: key('old-owner') }]);
    // The old owner's own reminders no longer go to the number.
    const old = await resolveAt(api, { type: 'email', value: email('old-owner') }, `${reminders}-person`);
    expect(old.contact).toBeNull();
    expect(old.suppressions).toEqual([{ code: 'NO_CONTACT' }]);
  });

  it('still answers the old owner as of a date before the number changed hands, and says so', async () => {
    const march = await resolveAt(api, { type: 'phone', value: phone }, reminders, '2026-03-03T10:00:00Z');
    expect(march.personas).toEqual([{ key: key('old-owner') }]);
    expect(march.contact).toEqual({ type: 'phone', value: phoneE164 });
    expect(march.explanation.map((e) => e.rule)).toContain('time.asOf');
    expect(march.explanation.find((e) => e.rule === 'evidence.holds')!.detail).toContain(
      'until 2026-06-01T09:00:00.000Z',
    );
  });

  it('records the end of the old membership as a change an integrator can act on', async () => {
    const oldOwner = await persona(api, key('old-owner'));
    let detached: { personaIds: string[]; data: Record<string, unknown> }[] = [];
    // Changes are numbered just after they commit: wait for this one to be given its place.
    for (let attempt = 0; attempt < 50 && detached.length === 0; attempt++) {
      const body = await api.gql<{
        changes: { nodes: { personaIds: string[]; data: Record<string, unknown> }[] };
      }>(`{ changes(first: 1000, types: [IDENTIFIER_DETACHED]) { nodes { personaIds data } } }`);
      detached = dataOf(body).changes.nodes.filter((c) => c.personaIds.includes(oldOwner.id));
      if (detached.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(detached.map((c) => c.data)).toEqual([
      {
        event: `${tag}-new-otp`,
        action: null,
        type: 'phone',
        value: phoneE164,
        reason: 'RECYCLED',
        recycledTo: key('new-owner'),
      },
    ]);
  });
});

describe('a number that changes hands twice within one batch', () => {
  it('ends each owner’s membership once, when the next owner proved the number; the latest owner keeps it', async () => {
    const phone = phoneFor(Number.parseInt(randomBytes(3).toString('hex'), 16) + 3);
    const result = await ingest(api, [
      event('twice-first', '2026-01-05T09:00:00Z', 'twice-first', [{ type: 'phone', value: phone }]),
      event('twice-second', '2026-05-05T09:00:00Z', 'twice-second', [{ type: 'phone', value: phone }]),
      event('twice-third', '2026-11-05T09:00:00Z', 'twice-third', [{ type: 'phone', value: phone }]),
    ]);
    expect(result.rejected).toEqual([]);
    const held = await memberships(api, 'phone', phone.replace(/ /g, ''));
    expect(held.map((m) => [m.persona, m.from, m.to, m.endedBy])).toEqual([
      [key('twice-first'), '2026-01-05T09:00:00.000Z', '2026-05-05T09:00:00.000Z', 'RECYCLED'],
      [key('twice-second'), '2026-05-05T09:00:00.000Z', '2026-11-05T09:00:00.000Z', 'RECYCLED'],
      [key('twice-third'), '2026-11-05T09:00:00.000Z', null, null],
    ]);
  });
});

describe('a consultant who proves one phone in several client accounts week after week', () => {
  it('keeps every account holding it: holders active within the window are never recycled', async () => {
    const phone = phoneFor(Number.parseInt(randomBytes(3).toString('hex'), 16) + 7);
    const weeks = ['2026-04-01', '2026-04-08', '2026-04-15', '2026-04-22'];
    await ingest(
      api,
      weeks.flatMap((day, w) =>
        ['a', 'b'].map((client) =>
          event(`consult-${client}-${w}`, `${day}T09:00:00Z`, `consultant-${client}`, [
            { type: 'phone', value: phone },
          ]),
        ),
      ),
    );
    const held = await memberships(api, 'phone', phone.replace(/ /g, ''));
    expect(held.map((m) => [m.persona, m.to, m.endedBy])).toEqual([
      [key('consultant-a'), null, null],
      [key('consultant-b'), null, null],
    ]);
  });
});

describe('an email change', () => {
  const news = `${tag}-news`;
  beforeAll(async () => {
    await defineUseCase(api, {
      name: news,
      scope: 'PERSON',
      contactTypes: ['email'],
      consentPurpose: 'news',
    });
    await ingest(api, [
      event(
        'emma-signup',
        '2026-02-01T09:00:00Z',
        'emma',
        [
          { type: 'email', value: email('emma-old') },
          { type: 'account', value: `${tag}-emma` },
        ],
        { consents: [{ purpose: 'news', channel: 'EMAIL', granted: true }] },
      ),
      event('emma-change', '2026-07-01T09:00:00Z', 'emma', [{ type: 'account', value: `${tag}-emma` }], {
        type: 'profile_updated',
        replaces: [
          {
            old: { type: 'email', value: email('emma-old') },
            new: { type: 'email', value: email('emma-new') },
          },
        ],
      }),
    ]);
  });

  it('moves the contact to the new address and keeps the old one as history, never a contact point', async () => {
    const now = await resolveAt(api, { type: 'account', value: `${tag}-emma` }, news);
    expect(now.contact).toEqual({ type: 'email', value: email('emma-new') });
    expect(
      (await memberships(api, 'email', email('emma-old'))).map((m) => [m.persona, m.to, m.endedBy]),
    ).toEqual([[key('emma'), '2026-07-01T09:00:00.000Z', 'REPLACED']]);
    // A late event that still carries the old address does not make it hers again.
    await ingest(api, [
      event('emma-late', '2026-07-02T09:00:00Z', 'emma', [{ type: 'email', value: email('emma-old') }]),
    ]);
    expect((await resolveAt(api, { type: 'account', value: `${tag}-emma` }, news)).contact).toEqual({
      type: 'email',
      value: email('emma-new'),
    });
  });

  it('answers with the old address as of a date before the change', async () => {
    const march = await resolveAt(
      api,
      { type: 'account', value: `${tag}-emma` },
      news,
      '2026-03-01T00:00:00Z',
    );
    expect(march.contact).toEqual({ type: 'email', value: email('emma-old') });
  });

  it('refuses a replacement that changes the identifier type, with its reason, and lands the rest', async () => {
    const result = await ingest(api, [
      event('emma-bad', '2026-07-03T09:00:00Z', 'emma', [], {
        replaces: [
          { old: { type: 'email', value: email('emma-new') }, new: { type: 'account', value: 'x' } },
        ],
      }),
      event('emma-ok', '2026-07-03T10:00:00Z', 'emma', [{ type: 'account', value: `${tag}-emma` }]),
    ]);
    expect(result.accepted).toBe(1);
    expect(result.rejected).toEqual([
      {
        index: 0,
        id: `${tag}-emma-bad`,
        code: 'BAD_USER_INPUT',
        message: 'replaces[0]: old is of type email, new of type account; a replacement keeps its type',
      },
    ]);
  });
});

describe('a stale household cookie', () => {
  const cookieType = `hh-${tag.slice(-8)}`;
  const household = `${tag}-household`;
  beforeAll(async () => {
    dataOf(
      await api.gql(
        `mutation ($input: IdentifierTypeInput!) { defineIdentifierType(input: $input) { name staleAfterDays } }`,
        { input: { name: cookieType, kind: 'COOKIE', maxPersonas: 3, staleAfterDays: 30 } },
      ),
    );
    await defineUseCase(api, {
      name: household,
      scope: 'PERSON',
      minStrength: 'WEAK',
      contactTypes: ['email'],
    });
    // Dad and a teenager browse on one family tablet in January (WEAK: not signed in), never again.
    const browse = (who: string) => ({
      ...event(`${who}-tablet`, '2026-01-05T18:00:00Z', who, [
        { type: 'email', value: email(who) },
        { type: cookieType, value: `${tag}-tablet` },
      ]),
      actor: {
        persona: { key: key(who), context: 'PERSONAL' },
        identifiers: [
          { type: 'email', value: email(who) },
          { type: cookieType, value: `${tag}-tablet` },
        ],
        authenticated: false,
      },
    });
    await ingest(api, [browse('dad'), browse('teen')]);
  });

  it('never linked the household: the cookie was already older than its type allows when it arrived', async () => {
    const now = await resolveAt(api, { type: 'email', value: email('dad') }, household);
    expect(now.personas).toEqual([{ key: key('dad') }]);
    expect(now.explanation.find((e) => e.rule === 'scope.person')?.detail).toMatch(/groups 1 persona\(s\)$/);
    // The store agrees with resolve: what frontends, segments and exports show is not a household.
    expect((await persona(api, key('dad'))).person?.personas).toEqual([{ key: key('dad') }]);
  });

  it('answers as of a date when the cookie was fresh by the persons as grouped now (API.md, "Identifiers in time")', async () => {
    const then = await resolveAt(
      api,
      { type: 'email', value: email('dad') },
      household,
      '2026-01-20T00:00:00Z',
    );
    expect(then.personas.map((p) => p.key)).toEqual([key('dad')]);
  });
});

describe('an allergy alert that must reach every account', () => {
  it('returns one allowed contact per persona in scope, each under its own persona’s consent', async () => {
    const alert = `${tag}-allergy`;
    await defineUseCase(api, {
      name: alert,
      scope: 'PERSON',
      contactTypes: ['email'],
      consentPurpose: 'safety',
      contactEvery: true,
    });
    const card = `${tag}-sam-card`;
    const account = (name: string, granted: boolean) =>
      event(
        `${name}-signup`,
        '2026-05-01T09:00:00Z',
        name,
        [
          { type: 'email', value: email(name) },
          { type: 'loyalty', value: card },
        ],
        { consents: [{ purpose: 'safety', channel: 'EMAIL', granted }] },
      );
    await ingest(api, [account('sam-home', true), account('sam-shop', true), account('sam-old', false)]);
    const answer = await resolveAt(api, { type: 'loyalty', value: card }, alert);
    expect(answer.contacts.map((c) => c.value)).toEqual([email('sam-home'), email('sam-shop')]);
    expect(answer.explanation.filter((e) => e.rule === 'contact.every').map((e) => e.detail)).toEqual([
      `persona ${key('sam-home')} (PERSONAL) reached at email ${email('sam-home')}`,
      `persona ${key('sam-old')} (PERSONAL): no allowed contact point`,
      `persona ${key('sam-shop')} (PERSONAL) reached at email ${email('sam-shop')}`,
    ]);
  });
});
