// Reading the graph through GraphQL: batched nested queries, clear errors, access by role.
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { dataOf, defineUseCase, ingest, resolve } from '../helpers/operations.js';

let api: TestApi;
const tag = uniqueTag('queries');

beforeAll(async () => {
  api = await startTestApi();
  // 20 personas sharing a CRM id (limit 10 → shared) and each with two emails and a device.
  await ingest(
    api,
    Array.from({ length: 20 }, (_, i) => ({
      id: `${tag}-${i}`,
      type: 'signup',
      occurredAt: new Date(Date.UTC(2026, 1, 1, 8, i)).toISOString(),
      source: 'web',
      actor: {
        persona: { key: `${tag}:p${i}`, context: 'PERSONAL' },
        identifiers: [
          { type: 'email', value: `p${i}@${tag}.example` },
          { type: 'email', value: `p${i}.alt@${tag}.example` },
          { type: 'crm', value: `${tag}-crm-${i % 2}` },
        ],
        device: { id: `${tag}-device-${i}`, kind: 'PHONE' },
        authenticated: true,
      },
    })),
  );
});
afterAll(async () => {
  await api.close();
});

describe('nested queries', () => {
  it('costs round trips bounded by depth, not by the number of rows', async () => {
    const query = /* GraphQL */ `
      query ($type: String!, $value: String!) {
        identifier(type: $type, value: $value) {
          personas {
            key
            person {
              personas {
                key
              }
            }
            identifiers {
              value
              personas {
                key
              }
            }
            devices {
              id
              identifiers {
                value
              }
            }
          }
        }
      }
    `;
    type Body = { identifier: { personas: { identifiers: unknown[] }[] } };
    // The identifier type registry is read once per instance, then cached: warm it first. Another
    // test file defining a type meanwhile drops the cache (through the change feed), which costs one
    // read more: measure the pair again then, at most three times.
    await api.gql<Body>(query, { type: 'email', value: `p1@${tag}.example` });
    let wide = await api.gql<Body>(query, { type: 'crm', value: `${tag}-crm-0` });
    let narrow = await api.gql<Body>(query, { type: 'email', value: `p0@${tag}.example` });
    for (
      let again = 0;
      again < 2 && wide.extensions?.dbRoundTrips !== narrow.extensions?.dbRoundTrips;
      again++
    ) {
      wide = await api.gql<Body>(query, { type: 'crm', value: `${tag}-crm-0` });
      narrow = await api.gql<Body>(query, { type: 'email', value: `p0@${tag}.example` });
    }
    expect(dataOf(wide).identifier.personas).toHaveLength(10);
    expect(dataOf(wide).identifier.personas.every((p) => p.identifiers.length === 3)).toBe(true);
    expect(dataOf(narrow).identifier.personas).toHaveLength(1);
    // One batch per field level: the same for 10 personas as for one.
    expect(wide.extensions?.dbRoundTrips).toBe(narrow.extensions?.dbRoundTrips);
    expect(wide.extensions?.dbRoundTrips).toBeLessThanOrEqual(8);
  });

  it('reads personas by key with their identifiers, devices and those devices’ personas in one statement, with the same answer as level by level', async () => {
    const keys = [0, 1, 2].map((i) => `${tag}:p${i}`);
    const nested = (fields: string) => /* GraphQL */ `
      query {
        ${keys.map((key, n) => `p${n}: persona(key: "${key}") { key identifiers { type value ${fields} } }`).join('\n')}
      }
    `;
    const tree = await api.gql<Record<string, unknown>>(nested('devices { id kind personas { key } }'));
    // Asked level by level: the identifiers, then each one's devices and their personas on their own.
    const levels = dataOf(await api.gql<Record<string, unknown>>(nested('')));
    const byLevel = Object.fromEntries(
      await Promise.all(
        Object.entries(levels).map(async ([alias, p]) => {
          const persona = p as { key: string; identifiers: { type: string; value: string }[] };
          const identifiers = await Promise.all(
            persona.identifiers.map(async (i) => ({
              ...i,
              devices: dataOf(
                await api.gql<{ identifier: { devices: unknown[] } }>(
                  `query ($type: String!, $value: String!) {
                     identifier(type: $type, value: $value) { devices { id kind personas { key } } } }`,
                  i,
                ),
              ).identifier.devices,
            })),
          );
          return [alias, { ...persona, identifiers }];
        }),
      ),
    );
    expect(dataOf(tree)).toEqual(byLevel);
    const p0 = dataOf(tree).p0 as { identifiers: { value: string; devices: unknown[] }[] };
    expect(p0.identifiers).toHaveLength(3);
    expect(p0.identifiers.find((i) => i.value === `p0@${tag}.example`)!.devices).toEqual([
      { id: `${tag}-device-0`, kind: 'PHONE', personas: [{ key: `${tag}:p0` }] },
    ]);
    // The personas by key and the three levels below them: one statement for any number of rows.
    expect(tree.extensions?.dbRoundTrips).toBe(1);
    // A key nobody has is null in the tree as at the level, and costs no statement more.
    const missing = await api.gql<{ nobody: unknown; p0: { key: string } }>(`{
      nobody: persona(key: "${tag}:nobody") { key identifiers { value devices { id personas { key } } } }
      p0: persona(key: "${tag}:p0") { key identifiers { value devices { id personas { key } } } }
    }`);
    expect(dataOf(missing).nobody).toBeNull();
    expect(dataOf(missing).p0.key).toBe(`${tag}:p0`);
    expect(missing.extensions?.dbRoundTrips).toBe(1);
  });

  it('reads personas by a list of keys in the order asked, null for a missing one, with the tree below in one statement', async () => {
    const fields = 'key identifiers { type value devices { id kind personas { key } } }';
    const listed = await api.gql<{ personas: ({ key: string } | null)[] }>(
      `{ personas(keys: ["${tag}:p1", "${tag}:nobody", "${tag}:p0"]) { ${fields} } }`,
    );
    const one = async (key: string) =>
      dataOf(await api.gql<{ persona: unknown }>(`{ persona(key: "${key}") { ${fields} } }`)).persona;
    expect(dataOf(listed).personas).toEqual([await one(`${tag}:p1`), null, await one(`${tag}:p0`)]);
    expect(listed.extensions?.dbRoundTrips).toBe(1);
    const none = await api.gql('{ personas(keys: []) { key } }');
    expect(none.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('finds a persona by key or by id, but not by both', async () => {
    const byKey = dataOf(
      await api.gql<{ persona: { id: string } }>(`{ persona(key: "${tag}:p3") { id } }`),
    ).persona;
    const byId = dataOf(
      await api.gql<{ persona: { key: string } }>(`{ persona(id: "${byKey.id}") { key } }`),
    ).persona;
    expect(byId.key).toBe(`${tag}:p3`);
    const both = await api.gql(`{ persona(id: "${byKey.id}", key: "${tag}:p3") { id } }`);
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('normalizes the value before looking an identifier up', async () => {
    const found = dataOf(
      await api.gql<{ identifier: { value: string } | null }>(
        `{ identifier(type: "email", value: "  P3@${tag.toUpperCase()}.EXAMPLE ") { value } }`,
      ),
    ).identifier;
    expect(found?.value).toBe(`p3@${tag}.example`);
  });
});

describe('resolve', () => {
  it('answers UNKNOWN_IDENTIFIER for an identifier it has never seen, not an error', async () => {
    await defineUseCase(api, { name: `lookup-${tag}`, scope: 'PERSON', contactTypes: ['email'] });
    const resolution = await resolve(api, { type: 'email', value: `nobody@${tag}.example` }, `lookup-${tag}`);
    expect(resolution.anchor).toBeNull();
    expect(resolution.suppressions.map((s) => s.code)).toEqual(['UNKNOWN_IDENTIFIER']);
    expect(resolution.confidence).toBe(0);
  });

  it('answers NOT_FOUND for a use case that does not exist', async () => {
    const body = await api.gql(/* GraphQL */ `
      {
        resolve(identifier: { type: "email", value: "a@b.example" }, useCase: "no-such-use-case") {
          useCase
        }
      }
    `);
    expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('suppresses contact once the pressure cap is reached', async () => {
    const useCase = `newsletter-${tag}`;
    await defineUseCase(api, {
      name: useCase,
      scope: 'PERSONA',
      contactTypes: ['email'],
      pressureCap: { max: 2, windowDays: 7 },
    });
    const anchor = { type: 'email', value: `p5@${tag}.example` };
    expect((await resolve(api, anchor, useCase)).contact).toEqual(anchor);
    await ingest(
      api,
      [1, 2].map((n) => ({
        id: `${tag}-newsletter-${n}`,
        type: 'message_sent',
        occurredAt: new Date(Date.now() - n * 3600_000).toISOString(),
        source: 'esp',
        channel: 'EMAIL',
        purpose: useCase,
        actor: { identifiers: [anchor] },
      })),
    );
    const capped = await resolve(api, anchor, useCase);
    expect(capped.contact).toBeNull();
    expect(capped.suppressions.map((s) => s.code)).toEqual(['PRESSURE_CAP']);
  });

  it('says EXCLUDED_CONTEXT when the only persona found has a context the use case never uses', async () => {
    const useCase = `no-personal-${tag}`;
    await defineUseCase(api, {
      name: useCase,
      scope: 'PERSONA',
      contactTypes: ['email'],
      excludeContexts: ['PERSONAL'],
    });
    const resolution = await resolve(api, { type: 'email', value: `p8@${tag}.example` }, useCase);
    expect(resolution.contact).toBeNull();
    expect(resolution.personas).toEqual([]);
    expect(resolution.suppressions.map((s) => s.code)).toEqual(['EXCLUDED_CONTEXT']);
    expect(resolution.explanation.map((s) => s.rule)).toContain('scope.context');
  });

  it('keeps withdrawn consent: the latest consent wins', async () => {
    const useCase = `offers-${tag}`;
    await defineUseCase(api, {
      name: useCase,
      scope: 'PERSONA',
      contactTypes: ['email'],
      consentPurpose: 'offers',
    });
    const consent = (id: string, minute: number, granted: boolean) => ({
      id: `${tag}-${id}`,
      type: 'preference_update',
      occurredAt: new Date(Date.UTC(2026, 1, 2, 8, minute)).toISOString(),
      source: 'web',
      actor: { persona: { key: `${tag}:p6` }, identifiers: [{ type: 'email', value: `p6@${tag}.example` }] },
      consents: [{ purpose: 'offers', channel: 'EMAIL', granted }],
    });
    await ingest(api, [consent('opt-in', 1, true)]);
    expect(
      (await resolve(api, { type: 'email', value: `p6@${tag}.example` }, useCase)).contact,
    ).not.toBeNull();
    await ingest(api, [consent('opt-out', 2, false)]);
    const after = await resolve(api, { type: 'email', value: `p6@${tag}.example` }, useCase);
    expect(after.contact).toBeNull();
    expect(after.suppressions.map((s) => s.code)).toEqual(['NO_CONSENT']);
  });
});

describe('access', () => {
  let guarded: TestApi;
  beforeAll(async () => {
    guarded = await startTestApi({
      API_KEYS: 'reader-key=read,nurse-key=read+pii,writer-key=read+write,boss-key=admin',
    });
  });
  afterAll(async () => {
    await guarded.close();
  });

  it('asks for a key when keys are configured', async () => {
    const body = await guarded.gql(`{ identifierTypes { name } }`);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lets a reader read but not write', async () => {
    expect(dataOf(await guarded.gql(`{ identifierTypes { name } }`, {}, { key: 'reader-key' }))).toBeTruthy();
    const body = await guarded.gql(
      `mutation { defineIdentifierType(input: { name: "x${tag.slice(-8)}", kind: OTHER }) { name } }`,
      {},
      { key: 'writer-key' },
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('masks a sensitive fact for a caller without the pii role', async () => {
    await ingest(api, [
      {
        id: `${tag}-allergy`,
        type: 'call',
        occurredAt: '2026-02-03T10:00:00Z',
        source: 'call-center',
        actor: { persona: { key: `${tag}:p7` } },
        facts: [
          { key: 'allergy', value: 'shellfish' },
          { key: 'interests', value: 'sailing' },
        ],
      },
    ]);
    const query = `{ persona(key: "${tag}:p7") { facts { key value masked } } }`;
    type Facts = { persona: { facts: { key: string; value: unknown; masked: boolean }[] } };
    const reader = dataOf(await guarded.gql<Facts>(query, {}, { key: 'reader-key' })).persona.facts;
    const nurse = dataOf(await guarded.gql<Facts>(query, {}, { key: 'nurse-key' })).persona.facts;
    const byKey = (facts: Facts['persona']['facts']) => Object.fromEntries(facts.map((f) => [f.key, f]));
    expect(byKey(reader).allergy).toEqual({
      key: 'allergy',
      value: expect.stringMatching(/masked/),
      masked: true,
    });
    expect(byKey(reader).interests).toEqual({ key: 'interests', value: 'sailing', masked: false });
    expect(byKey(nurse).allergy).toEqual({ key: 'allergy', value: 'shellfish', masked: false });
  });

  it('shows identifier values only to callers with the pii role', async () => {
    const query = `{ persona(key: "${tag}:p2") { identifiers { type value } } }`;
    type Ids = { persona: { identifiers: { type: string; value: string }[] } };
    const reader = dataOf(await guarded.gql<Ids>(query, {}, { key: 'reader-key' })).persona.identifiers;
    const nurse = dataOf(await guarded.gql<Ids>(query, {}, { key: 'nurse-key' })).persona.identifiers;
    expect(nurse.map((i) => i.value)).toContain(`p2@${tag}.example`);
    expect(reader.map((i) => i.value)).toContain(`p***@${tag}.example`);
    expect(reader.map((i) => i.value)).not.toContain(`p2@${tag}.example`);
  });

  it('lets an admin register an identifier type with its own limit', async () => {
    const name = `member-${tag.slice(-8)}`;
    const body = await guarded.gql<{
      defineIdentifierType: { name: string; maxPersonas: number; kind: string };
    }>(
      `mutation { defineIdentifierType(input: { name: "${name}", kind: ACCOUNT, maxPersonas: 2 }) { name kind maxPersonas } }`,
      {},
      { key: 'boss-key' },
    );
    expect(dataOf(body).defineIdentifierType).toEqual({ name, kind: 'ACCOUNT', maxPersonas: 2 });
    const [audit] = await guarded.db.graph.runText(
      `MATCH (a:AuditEntry {action: 'defineIdentifierType'}) WHERE a.details CONTAINS $name
       RETURN a.actor AS actor, a.at IS NOT NULL AS dated`,
      { name },
      'READ',
    );
    expect(audit).toEqual({ actor: 'key:boss…', dated: true });
  });
});
