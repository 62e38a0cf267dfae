// What an integrator reads in the change feed after ingest and admin actions: every change names its
// cause and carries its values, every change of grouping is said exactly once, in the order of the
// events that caused it. Also pins the round trips of an ingest batch.
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { dataOf, ingest, persona, phoneFor } from '../helpers/operations.js';

let api: TestApi;
const tag = uniqueTag('ingest-changes');
const at = (second: number) => new Date(Date.UTC(2026, 4, 1, 9, 0, second)).toISOString();

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

interface FeedChange {
  cursor: string;
  type: string;
  personaIds: string[];
  personIds: string[];
  data: Record<string, unknown>;
}

async function latestCursor(): Promise<string> {
  return dataOf(await api.gql<{ latestChangeCursor: string }>('{ latestChangeCursor }')).latestChangeCursor;
}

/** Every change after the cursor that concerns these personas, once the feed has sequenced `count` of them. */
async function changesOf(after: string, personaIds: string[], count: number): Promise<FeedChange[]> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const found: FeedChange[] = [];
    let cursor = after;
    for (;;) {
      const page = dataOf(
        await api.gql<{
          changes: { nodes: FeedChange[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } };
        }>(
          /* GraphQL */ `
            query ($after: String) {
              changes(after: $after, first: 500) {
                nodes {
                  cursor
                  type
                  personaIds
                  personIds
                  data
                }
                pageInfo {
                  endCursor
                  hasNextPage
                }
              }
            }
          `,
          { after: cursor },
        ),
      ).changes;
      found.push(...page.nodes.filter((c) => c.personaIds.some((id) => personaIds.includes(id))));
      if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
      cursor = page.pageInfo.endCursor;
    }
    if (found.length >= count) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`fewer than ${count} changes arrived`);
}

function signup(
  id: string,
  personaKey: string,
  identifiers: { type: string; value: string }[],
  second: number,
  extra: Record<string, unknown> = {},
) {
  return {
    id,
    type: 'signup',
    occurredAt: at(second),
    source: 'web',
    actor: { persona: { key: personaKey, context: 'PERSONAL' }, identifiers, authenticated: true },
    ...extra,
  };
}

const personExists = async (id: string) =>
  dataOf(
    await api.gql<{ person: { id: string } | null }>('query ($id: ID!) { person(id: $id) { id } }', { id }),
  ).person !== null;

describe('ingest round trips', () => {
  it('stores a batch in the same number of round trips for 10 events as for 200', async () => {
    const batch = (scope: string, size: number) =>
      Array.from({ length: size }, (_, i) =>
        signup(
          `${scope}-${i}`,
          `${scope}:p${i}`,
          [
            { type: 'email', value: `p${i}@${scope}.example` },
            { type: 'account', value: `${scope}-${Math.floor(i / 2)}` },
          ],
          i % 60,
          {
            facts: [{ key: 'first_name', value: `P${i}` }],
            consents: [{ purpose: 'news', channel: 'EMAIL', granted: true }],
          },
        ),
      );
    const roundTrips = async (events: unknown[]) => {
      const body = await api.gql(
        'mutation ($events: [EventInput!]!) { ingest(events: $events) { accepted } }',
        { events },
      );
      expect(body.errors).toBeUndefined();
      return body.extensions?.dbRoundTrips;
    };
    // Three reads before the transaction (the identifier registry, the knowledge rules, erased
    // identifiers), the three evidence statements, the grouping closure (under the lock), its
    // outcome, the changes.
    expect(await roundTrips(batch(`${tag}-rt10`, 10))).toBe(9);
    expect(await roundTrips(batch(`${tag}-rt200`, 200))).toBe(9);
    // A replayed batch stops after the first evidence statement finds nothing new.
    expect(await roundTrips(batch(`${tag}-rt10`, 10))).toBe(4);
  });
});

describe('changes an integrator can act on', () => {
  it('says which event recorded a consent, and a grant then a withdrawal with their values', async () => {
    const scope = `${tag}-consent`;
    const email = { type: 'email', value: `c@${scope}.example` };
    const after = await latestCursor();
    await ingest(api, [
      signup(`${scope}-1`, `${scope}:p`, [email], 1, {
        consents: [{ purpose: 'newsletter', channel: 'EMAIL', granted: true, identifier: email }],
      }),
    ]);
    await ingest(api, [
      signup(`${scope}-2`, `${scope}:p`, [email], 2, {
        consents: [{ purpose: 'newsletter', channel: 'EMAIL', granted: false, identifier: email }],
      }),
    ]);
    const p = await persona(api, `${scope}:p`);
    const consents = (await changesOf(after, [p.id], 4)).filter((c) => c.type === 'CONSENT_RECORDED');
    expect(consents.map((c) => c.data)).toEqual([
      {
        event: `${scope}-1`,
        action: null,
        purpose: 'newsletter',
        channel: 'EMAIL',
        granted: true,
        identifier: email,
        previous: null,
      },
      {
        event: `${scope}-2`,
        action: null,
        purpose: 'newsletter',
        channel: 'EMAIL',
        granted: false,
        identifier: email,
        previous: true,
      },
    ]);
  });

  it('carries the old and new context of a persona, and a fact with the value it replaces', async () => {
    const scope = `${tag}-context`;
    const email = { type: 'email', value: `w@${scope}.example` };
    await ingest(api, [
      {
        ...signup(`${scope}-1`, `${scope}:p`, [email], 1),
        actor: { persona: { key: `${scope}:p`, context: 'WORK' }, identifiers: [email] },
        facts: [{ key: 'skills', value: 'welding', method: 'DIRECT' }],
      },
    ]);
    const after = await latestCursor();
    await ingest(api, [
      {
        ...signup(`${scope}-2`, `${scope}:p`, [email], 2),
        actor: { persona: { key: `${scope}:p`, context: 'BUSINESS' }, identifiers: [email] },
        facts: [{ key: 'skills', value: ['machining', 'cad'], method: 'INDIRECT' }],
      },
    ]);
    const p = await persona(api, `${scope}:p`);
    expect((await changesOf(after, [p.id], 2)).map((c) => [c.type, c.data])).toEqual([
      [
        'PERSONA_UPDATED',
        {
          event: `${scope}-2`,
          action: null,
          key: `${scope}:p`,
          changed: { context: { old: 'WORK', new: 'BUSINESS' } },
        },
      ],
      [
        'FACT_RECORDED',
        {
          event: `${scope}-2`,
          action: null,
          key: 'skills',
          value: ['machining', 'cad'],
          method: 'INDIRECT',
          previous: 'welding',
          sensitive: false,
        },
      ],
    ]);
  });

  it('says once that two new personas sharing a phone in one batch form a person, each fact once, in event order', async () => {
    const scope = `${tag}-pair`;
    const phone = { type: 'phone', value: phoneFor(4711) };
    const email = { type: 'email', value: `a@${scope}.example` };
    const after = await latestCursor();
    await ingest(api, [
      signup(`${scope}-1`, `${scope}:a`, [email, phone], 1),
      signup(`${scope}-2`, `${scope}:a`, [email], 2),
      signup(`${scope}-3`, `${scope}:b`, [{ type: 'email', value: `b@${scope}.example` }, phone], 3),
    ]);
    const [a, b] = await Promise.all([persona(api, `${scope}:a`), persona(api, `${scope}:b`)]);
    const person = a.person!.id;
    expect(b.person!.id).toBe(person);
    const changes = await changesOf(after, [a.id, b.id], 7);
    expect(changes.map((c) => [c.type, c.data.event])).toEqual([
      ['PERSONA_CREATED', `${scope}-1`],
      ['IDENTIFIER_ATTACHED', `${scope}-1`],
      ['IDENTIFIER_ATTACHED', `${scope}-1`],
      ['PERSONA_CREATED', `${scope}-3`],
      ['IDENTIFIER_ATTACHED', `${scope}-3`],
      ['IDENTIFIER_ATTACHED', `${scope}-3`],
      ['PERSON_GROUPED', `${scope}-3`],
    ]);
    const grouped = changes.find((c) => c.type === 'PERSON_GROUPED')!;
    expect(grouped).toMatchObject({
      personaIds: [a.id, b.id].sort(),
      personIds: [person],
      data: { action: null, before: [], after: [person] },
    });
  });

  it('says a persona joined a person formed in an earlier batch, with the person before and after', async () => {
    const scope = `${tag}-join`;
    const phone = { type: 'phone', value: phoneFor(4712) };
    await ingest(api, [
      signup(`${scope}-1`, `${scope}:a`, [phone], 1),
      signup(`${scope}-2`, `${scope}:b`, [phone], 2),
    ]);
    const person = (await persona(api, `${scope}:a`)).person!.id;
    const after = await latestCursor();
    await ingest(api, [signup(`${scope}-3`, `${scope}:c`, [phone], 3)]);
    const c = await persona(api, `${scope}:c`);
    const grouped = (await changesOf(after, [c.id], 3)).filter((x) => x.type.startsWith('PERSON_'));
    expect(grouped.map((x) => [x.type, x.data])).toEqual([
      ['PERSON_GROUPED', { event: `${scope}-3`, action: null, before: [person], after: [person] }],
    ]);
    expect(grouped[0]!.personaIds).toHaveLength(3);
  });

  it('says a detach split a person, naming persons after it that all exist, and never "absorbed"', async () => {
    const scope = `${tag}-split`;
    const family = { type: 'email', value: `family@${scope}.example` };
    await ingest(api, [
      signup(`${scope}-1`, `${scope}:a`, [{ type: 'email', value: `a@${scope}.example` }, family], 1),
      signup(`${scope}-2`, `${scope}:b`, [{ type: 'email', value: `b@${scope}.example` }, family], 2),
      signup(`${scope}-3`, `${scope}:c`, [{ type: 'email', value: `c@${scope}.example` }, family], 3),
    ]);
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((k) => persona(api, `${scope}:${k}`)));
    const before = a!.person!.id;
    const after = await latestCursor();
    dataOf(
      await api.gql(
        /* GraphQL */ `
          mutation ($persona: ID!, $identifier: IdentifierInput!) {
            detachIdentifier(persona: $persona, identifier: $identifier, reason: "a shared family inbox") {
              id
            }
          }
        `,
        { persona: c!.id, identifier: family },
      ),
    );
    const changes = await changesOf(after, [a!.id, b!.id, c!.id], 2);
    expect(changes.map((x) => x.type)).toEqual(['IDENTIFIER_DETACHED', 'PERSON_SPLIT']);
    const split = changes[1]!;
    const personOfC = (await persona(api, `${scope}:c`)).person!.id;
    expect(split.data).toEqual({
      event: null,
      action: 'detachIdentifier',
      before: [before],
      after: [before, personOfC].sort(),
    });
    expect(split.personaIds).toEqual([a!.id, b!.id, c!.id].sort());
    for (const id of split.data.after as string[]) expect(await personExists(id)).toBe(true);
    expect(JSON.stringify(changes)).not.toMatch(/absorbed/);
  });

  it('says a link grouped two persons and an unlink split them, each once', async () => {
    const scope = `${tag}-link`;
    await ingest(api, [
      signup(`${scope}-1`, `${scope}:a`, [{ type: 'email', value: `a@${scope}.example` }], 1),
      signup(`${scope}-2`, `${scope}:b`, [{ type: 'email', value: `b@${scope}.example` }], 2),
    ]);
    const [a, b] = await Promise.all([persona(api, `${scope}:a`), persona(api, `${scope}:b`)]);
    const [pa, pb] = [a.person!.id, b.person!.id];
    const after = await latestCursor();
    const link = dataOf(
      await api.gql<{ linkPersonas: { id: string } }>(
        'mutation ($a: ID!, $b: ID!) { linkPersonas(a: $a, b: $b, evidence: "same passport") { id } }',
        { a: a.id, b: b.id },
      ),
    ).linkPersonas.id;
    dataOf(
      await api.gql('mutation ($a: ID!, $b: ID!) { unlinkPersonas(a: $a, b: $b, reason: "twins") { id } }', {
        a: a.id,
        b: b.id,
      }),
    );
    const [a2, b2] = await Promise.all([persona(api, `${scope}:a`), persona(api, `${scope}:b`)]);
    const changes = await changesOf(after, [a.id, b.id], 2);
    expect(changes.map((c) => [c.type, c.data])).toEqual([
      ['PERSON_GROUPED', { event: null, action: 'linkPersonas', before: [pa, pb].sort(), after: [link] }],
      [
        'PERSON_SPLIT',
        {
          event: null,
          action: 'unlinkPersonas',
          before: [link],
          after: [a2.person!.id, b2.person!.id].sort(),
        },
      ],
    ]);
  });
});
