// resolveMany: over a generated world, every answer equals resolve's for the same identifier, use case
// and moment; the answers come in the order asked, one read for the whole batch, 1 to 1,000 of them.
import { generateEvents } from '../../bench/generate.js';
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { dataOf, defineUseCase, ingest } from '../helpers/operations.js';

const tag = uniqueTag('resolve-many');
// A seed no other file uses: the generated keys never meet another file's.
const seed = 2_727;

/** Everything a Resolution answers, so "equal" means equal in every field. */
const fields = /* GraphQL */ `
  useCase
  scope
  anchor { type value shared }
  personas { id key context label }
  person { id }
  contact { type value shared }
  contacts { type value }
  facts { key value method source confidence }
  suppressions { code message }
  candidates { key }
  confidence
  explanation { rule detail }
  nextAllowedAt
`;
const RESOLVE_AT = /* GraphQL */ `
  query ($identifier: IdentifierInput!, $useCase: String!, $at: DateTime) {
    resolve(identifier: $identifier, useCase: $useCase, at: $at) { ${fields} }
  }
`;
const RESOLVE_MANY = /* GraphQL */ `
  query ($identifiers: [IdentifierInput!]!, $useCase: String!, $at: DateTime) {
    resolveMany(identifiers: $identifiers, useCase: $useCase, at: $at) { ${fields} }
  }
`;

type Identifier = { type: string; value: string };
type Resolution = Record<string, unknown> & {
  anchor: Identifier | null;
  contact: Identifier | null;
  suppressions: { code: string; message: string }[];
};

/** Every kind of policy the rules know: each scope, WEAK evidence, contexts, consent, a cap, facts. */
const useCases = [
  { name: `${tag}-guest`, scope: 'IDENTIFIER', contactTypes: ['email'] },
  { name: `${tag}-two-factor`, scope: 'IDENTIFIER', contactTypes: ['phone'] },
  {
    name: `${tag}-side-business`,
    scope: 'PERSON',
    contexts: ['BUSINESS'],
    contactTypes: ['email'],
    consentPurpose: 'marketing',
    pressureCap: { max: 2, windowDays: 30, purpose: 'marketing' },
  },
  { name: `${tag}-job-alerts`, scope: 'PERSONA', contactTypes: ['email'], consentPurpose: 'job-alerts' },
  {
    name: `${tag}-weak-reach`,
    scope: 'PERSONA',
    minStrength: 'WEAK',
    maxHops: 4,
    contactTypes: ['email', 'phone'],
    excludeContexts: ['WORK'],
  },
  { name: `${tag}-order-prep`, scope: 'PERSON', requiredFacts: ['interests'] },
  {
    name: `${tag}-office`,
    scope: 'PERSON',
    contactTypes: ['email', 'phone'],
    consentPurpose: 'marketing',
    contactEvery: true,
  },
];

describe('resolveMany over a generated world', () => {
  let api: TestApi;
  /** Identifiers as the events wrote them (not normalized), of every type, and a few nobody holds. */
  let asked: Identifier[];
  let worldTypes: string[];

  const resolveOne = async (identifier: Identifier, useCase: string, at: string | null) =>
    dataOf(await api.gql<{ resolve: Resolution }>(RESOLVE_AT, { identifier, useCase, at })).resolve;
  const resolveMany = async (identifiers: Identifier[], useCase: string, at: string | null = null) => {
    const body = await api.gql<{ resolveMany: Resolution[] }>(RESOLVE_MANY, { identifiers, useCase, at });
    return { answers: dataOf(body).resolveMany, dbRoundTrips: body.extensions?.dbRoundTrips };
  };
  /** resolve one identifier at a time (eight requests in flight), in the order asked. */
  const oneByOne = async (identifiers: Identifier[], useCase: string, at: string | null) => {
    const answers: Resolution[] = [];
    for (let n = 0; n < identifiers.length; n += 8) {
      answers.push(
        ...(await Promise.all(identifiers.slice(n, n + 8).map((i) => resolveOne(i, useCase, at)))),
      );
    }
    return answers;
  };

  beforeAll(async () => {
    api = await startTestApi();
    const events = [...generateEvents({ size: 3_000, seed })];
    for (let n = 0; n < events.length; n += 1_000) {
      const result = await ingest(api, events.slice(n, n + 1_000));
      expect(result.rejected).toEqual([]);
    }
    for (const input of useCases) await defineUseCase(api, input);
    const seen = new Map<string, Identifier>();
    for (const e of events) {
      for (const i of [...(e.actor.identifiers ?? []), ...(e.mentions ?? []).map((m) => m.identifier)]) {
        seen.set(`${i.type} ${i.value}`, { type: i.type, value: i.value });
      }
    }
    worldTypes = [...new Set([...seen.values()].map((i) => i.type))].sort();
    // Every 9th of them keeps the run short and still holds each type, shared phones and cookies.
    asked = [...seen.values()].filter((_, n) => n % 9 === 0);
    asked.push(
      { type: 'email', value: `nobody@${tag}.example` },
      { type: 'phone', value: 'not a phone' },
      asked[0]!,
    );
  }, 300_000);
  afterAll(async () => {
    await api.close();
  });

  it('asks about every identifier type of the world, and more than a hundred identifiers', () => {
    expect([...new Set(asked.map((i) => i.type))].sort()).toEqual(worldTypes);
    expect(asked.length).toBeGreaterThan(100);
  });

  it.each(useCases.map((u) => [u.name]))(
    'answers %s now and as of a past moment exactly as resolve does, one by one',
    async (useCase) => {
      for (const at of [null, '2025-07-01T00:00:00Z']) {
        const { answers } = await resolveMany(asked, useCase, at);
        const expected = await oneByOne(asked, useCase, at);
        // Every identifier but the two made up is in the graph: the comparison is of real answers.
        expect(answers.filter((a) => a.anchor === null)).toHaveLength(2);
        // Compared one by one so a difference names its identifier.
        expect(answers.map((a, n) => ({ asked: asked[n], a }))).toEqual(
          expected.map((a, n) => ({ asked: asked[n], a })),
        );
      }
    },
    300_000,
  );
});

describe('resolveMany answers', () => {
  let api: TestApi;
  const email = (name: string) => `${name}@${tag}.example`;
  const useCase = `${tag}-news`;

  beforeAll(async () => {
    api = await startTestApi();
    await ingest(
      api,
      ['ada', 'bob'].map((name) => ({
        id: `${tag}-${name}`,
        type: 'signup',
        occurredAt: '2026-03-01T09:00:00Z',
        source: 'web',
        actor: {
          persona: { key: `${tag}:${name}`, context: 'PERSONAL' },
          identifiers: [{ type: 'email', value: email(name) }],
          authenticated: true,
        },
        consents: [{ purpose: 'news', channel: 'EMAIL', granted: true }],
      })),
    );
    await defineUseCase(api, {
      name: useCase,
      scope: 'PERSONA',
      contactTypes: ['email'],
      consentPurpose: 'news',
    });
    // The policy and the identifier types are cached from here on.
    await api.gql(RESOLVE_MANY, { identifiers: [{ type: 'email', value: email('ada') }], useCase });
  }, 120_000);
  afterAll(async () => {
    await api.close();
  });

  const many = async (identifiers: Identifier[], name = useCase) =>
    api.gql<{ resolveMany: Resolution[] }>(RESOLVE_MANY, { identifiers, useCase: name });
  /**
   * The same batch and its reads. The identifier types and the policy are cached per instance, and
   * another file defining a type or a use case meanwhile drops the cache (through the change feed),
   * which costs one read more: ask again then, at most three times.
   */
  const manyCached = async (identifiers: Identifier[]) => {
    let body = await many(identifiers);
    for (let again = 0; again < 2 && body.extensions?.dbRoundTrips !== 1; again++)
      body = await many(identifiers);
    return body;
  };

  it('in the order asked, a duplicate answered again, in one database read', async () => {
    const body = await manyCached([
      { type: 'email', value: email('bob') },
      { type: 'email', value: `  ${email('ADA').toUpperCase()} ` },
      { type: 'email', value: email('bob') },
    ]);
    expect(dataOf(body).resolveMany.map((r) => r.contact)).toEqual([
      { type: 'email', value: email('bob'), shared: false },
      { type: 'email', value: email('ada'), shared: false },
      { type: 'email', value: email('bob'), shared: false },
    ]);
    expect(body.extensions?.dbRoundTrips).toBe(1);
  });

  it('answers an unknown, an unusable and an undefined type as UNKNOWN_IDENTIFIER without failing the others', async () => {
    const body = await many([
      { type: 'email', value: email('nobody') },
      { type: 'email', value: 'not an address' },
      { type: 'fax', value: '+1 212 555 0100' },
      { type: 'email', value: email('ada') },
    ]);
    const answers = dataOf(body).resolveMany;
    expect(answers.map((r) => r.suppressions)).toEqual([
      [{ code: 'UNKNOWN_IDENTIFIER', message: `email ${email('nobody')} is not known` }],
      [{ code: 'UNKNOWN_IDENTIFIER', message: '"not an address" is not a usable email' }],
      [{ code: 'UNKNOWN_IDENTIFIER', message: 'there is no identifier type "fax"' }],
      [],
    ]);
    expect(answers.map((r) => r.anchor?.value ?? null)).toEqual([null, null, null, email('ada')]);
    expect(answers[3]!.contact).toEqual({ type: 'email', value: email('ada'), shared: false });
  });

  it('takes 1,000 identifiers in one read and refuses none or more than 1,000', async () => {
    const thousand = Array.from({ length: 1_000 }, (_, n) => ({
      type: 'email',
      value: n % 2 ? email('ada') : email(`absent-${n}`),
    }));
    const body = await manyCached(thousand);
    const answers = dataOf(body).resolveMany;
    expect(answers).toHaveLength(1_000);
    expect(answers.filter((r) => r.contact?.value === email('ada'))).toHaveLength(500);
    expect(body.extensions?.dbRoundTrips).toBe(1);

    for (const identifiers of [[], [...thousand, { type: 'email', value: email('bob') }]]) {
      const refused = await many(identifiers);
      expect(refused.data ?? null).toBeNull();
      expect(refused.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
        [
          'BAD_USER_INPUT',
          `identifiers must hold 1 to 1000 identifiers (got ${identifiers.length}); split a longer list`,
        ],
      ]);
    }
  });

  it('fails as resolve fails for a use case nobody defined', async () => {
    const body = await many([{ type: 'email', value: email('ada') }], `${tag}-undefined`);
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
  });
});
