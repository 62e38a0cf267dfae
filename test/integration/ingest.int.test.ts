// Ingestion through GraphQL: idempotent, loses nothing on bad input, safe under concurrent batches.
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import {
  dataOf,
  ingest,
  persona,
  phoneFor,
  resolve,
  defineUseCase,
  signupEvent,
} from '../helpers/operations.js';

let api: TestApi;
const tag = uniqueTag('ingest');
const at = (second: number) => new Date(Date.UTC(2026, 2, 1, 12, 0, second)).toISOString();

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

/** Nodes and relationships that belong to this file's data (found through the values it used). */
async function countGraph(scope: string) {
  const [row] = await api.db.graph.runText(
    `MATCH (i:Identifier) WHERE i.value CONTAINS $scope
     OPTIONAL MATCH (i)-[r]-()
     WITH collect(DISTINCT i) AS identifiers, collect(DISTINCT r) AS rels
     MATCH (e:Event) WHERE e.id STARTS WITH $scope
     RETURN size(identifiers) AS identifiers, size(rels) AS rels, count(e) AS events`,
    { scope },
    'READ',
  );
  return row as { identifiers: number; rels: number; events: number };
}

const signup = (id: string, personaKey: string, identifiers: { type: string; value: string }[], second = 0) =>
  signupEvent(id, personaKey, identifiers, at(second));

describe('ingest', () => {
  it('stores a re-sent batch once: same node and relationship counts', async () => {
    const scope = `${tag}-replay`;
    const batch = [
      signup(`${scope}-1`, `${scope}:a`, [
        { type: 'email', value: `a@${scope}.example` },
        { type: 'account', value: `${scope}-acct-1` },
      ]),
      {
        ...signup(`${scope}-2`, `${scope}:a`, [{ type: 'email', value: `a@${scope}.example` }], 5),
        mentions: [{ role: 'GUEST', identifier: { type: 'email', value: `guest@${scope}.example` } }],
        facts: [{ key: 'interests', value: ['hiking'], method: 'DIRECT' }],
      },
    ];
    const first = await ingest(api, batch);
    expect(first).toMatchObject({ accepted: 2, duplicates: 0, rejected: [] });
    const before = await countGraph(scope);

    const second = await ingest(api, batch);
    expect(second).toMatchObject({ accepted: 0, duplicates: 2, rejected: [] });
    expect(await countGraph(scope)).toEqual(before);
    expect(before.events).toBe(2);
  });

  it('lands 97 of 100 events when 3 are invalid, and says why for each of the 3', async () => {
    const scope = `${tag}-hundred`;
    const events = Array.from({ length: 100 }, (_, i) =>
      signup(`${scope}-${i}`, `${scope}:p${i}`, [{ type: 'email', value: `p${i}@${scope}.example` }], i % 60),
    );
    events[7]!.actor.identifiers = [{ type: 'email', value: 'not-an-email' }];
    events[42]!.actor.identifiers = [{ type: 'phone', value: '12' }];
    events[99]!.actor.identifiers = [{ type: 'fax', value: '+1 212 555 0199' }];
    const result = await ingest(api, events);
    expect(result.accepted).toBe(97);
    expect(result.rejected.map((r) => [r.index, r.id, r.code])).toEqual([
      [7, `${scope}-7`, 'BAD_USER_INPUT'],
      [42, `${scope}-42`, 'BAD_USER_INPUT'],
      [99, `${scope}-99`, 'BAD_USER_INPUT'],
    ]);
    expect(result.rejected[0]!.message).toMatch(/not an email address/);
    expect(result.rejected[1]!.message).toMatch(/not a valid phone number/);
    expect(result.rejected[2]!.message).toMatch(/unknown identifier type "fax"/);
    expect((await countGraph(scope)).events).toBe(97);
  });

  it('creates one node per identifier and one relationship per evidence pair under 8 parallel overlapping batches', async () => {
    const scope = `${tag}-parallel`;
    const shared = [
      { type: 'email', value: `shared@${scope}.example` },
      { type: 'phone', value: phoneFor(Date.now() % 1_000_000) },
    ];
    const batches = Array.from({ length: 8 }, (_, b) =>
      Array.from({ length: 12 }, (_, i) =>
        signup(
          `${scope}-b${b}-e${i}`,
          `${scope}:persona-${i % 3}`,
          [...shared, { type: 'account', value: `${scope}-acct-${i % 4}` }],
          i,
        ),
      ),
    );
    const results = await Promise.all(batches.map((events) => ingest(api, events)));
    expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(96);

    const [counts] = await api.db.graph.runText(
      `MATCH (i:Identifier) WHERE i.value CONTAINS $scope OR i.value = $phone
       WITH collect(i) AS ids
       CALL { WITH ids UNWIND ids AS i RETURN count(i) AS nodes, count(DISTINCT [i.type, i.value]) AS distinctKeys }
       CALL { WITH ids UNWIND ids AS a MATCH (a)-[l:LINKED]->(b) RETURN count(l) AS links, count(DISTINCT [a, b]) AS linkPairs }
       CALL { WITH ids UNWIND ids AS i MATCH (p:Persona)-[h:HAS_IDENTIFIER]->(i) RETURN count(h) AS holds, count(DISTINCT [p, i]) AS holdPairs }
       MATCH (p:Persona) WHERE p.key STARTS WITH $scope
       RETURN nodes, distinctKeys, links, linkPairs, holds, holdPairs, count(p) AS personas`,
      { scope, phone: shared[1]!.value.replace(/\s/g, '') },
      'READ',
    );
    expect(counts).toEqual({
      nodes: 6,
      distinctKeys: 6,
      links: expect.any(Number),
      linkPairs: (counts as { links: number }).links,
      holds: (counts as { holdPairs: number }).holdPairs,
      holdPairs: expect.any(Number),
      personas: 3,
    });
    // email-phone, and each of the 4 accounts with email and with phone.
    expect((counts as { links: number }).links).toBe(1 + 4 * 2);

    const personas = await Promise.all([0, 1, 2].map((i) => persona(api, `${scope}:persona-${i}`)));
    expect(new Set(personas.map((p) => p.person?.id)).size).toBe(1);
  });

  it('flags unknown campaign, asset, term and fact codes for mapping without losing them', async () => {
    const scope = `${tag}-codes`;
    const result = await ingest(api, [
      {
        ...signup(`${scope}-1`, `${scope}:p`, [{ type: 'email', value: `p@${scope}.example` }]),
        type: 'email_click',
        campaign: `C12DHE33-${scope}`,
        asset: `duwe3n4nudd9-${scope}`,
        terms: [{ vocabulary: 'topic', key: `freight-${scope}` }],
        facts: [{ key: `favourite_port_${scope.replace(/-/g, '_')}`, value: 'Rotterdam' }],
      },
    ]);
    expect(result.accepted).toBe(1);
    expect(result.unmapped.map((u) => u.kind).sort()).toEqual([
      'asset',
      'campaign',
      'fact-key',
      'term:topic',
    ]);
  });

  it('rejects an event whose facts have no persona to belong to, and keeps the others', async () => {
    const scope = `${tag}-orphan`;
    const result = await ingest(api, [
      {
        id: `${scope}-1`,
        type: 'page_view',
        occurredAt: at(1),
        source: 'web',
        actor: { identifiers: [{ type: 'cookie', value: `${scope}-ck` }] },
        facts: [{ key: 'interests', value: 'boats' }],
      },
      {
        id: `${scope}-2`,
        type: 'page_view',
        occurredAt: at(2),
        source: 'web',
        actor: { identifiers: [{ type: 'cookie', value: `${scope}-ck` }] },
      },
    ]);
    expect(result.accepted).toBe(1);
    expect(result.rejected).toEqual([
      expect.objectContaining({ index: 0, message: expect.stringMatching(/need actor.persona/) }),
    ]);
  });

  it('refuses a batch over the size limit with a coded error', async () => {
    const small = await startTestApi({ MAX_BATCH_SIZE: '2' });
    try {
      const body = await small.gql(
        /* GraphQL */ `
          mutation ($events: [EventInput!]!) {
            ingest(events: $events) {
              accepted
            }
          }
        `,
        { events: [1, 2, 3].map((i) => signup(`${tag}-big-${i}`, `${tag}:big`, [])) },
      );
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(body.errors?.[0]?.message).toMatch(/at most 2 events/);
    } finally {
      await small.close();
    }
  });
});

describe('grouping can always be undone', () => {
  const scope = `${tag}-undo`;
  const useCase = `undo-person-${tag}`;

  it('splits personas again when the identifier that grouped them is detached', async () => {
    const wrong = { type: 'email', value: `family@${scope}.example` };
    await ingest(api, [
      signup(`${scope}-1`, `${scope}:a`, [{ type: 'email', value: `a@${scope}.example` }, wrong]),
      signup(`${scope}-2`, `${scope}:b`, [{ type: 'email', value: `b@${scope}.example` }, wrong], 2),
    ]);
    const a = await persona(api, `${scope}:a`);
    const b = await persona(api, `${scope}:b`);
    expect(a.person?.id).toBe(b.person?.id);

    const detached = dataOf(
      await api.gql<{ detachIdentifier: { identifiers: { value: string }[] } }>(
        /* GraphQL */ `
          mutation ($persona: ID!, $identifier: IdentifierInput!) {
            detachIdentifier(persona: $persona, identifier: $identifier, reason: "family inbox, not Anne's") {
              identifiers {
                value
              }
            }
          }
        `,
        { persona: b.id, identifier: wrong },
      ),
    ).detachIdentifier;
    expect(detached.identifiers.map((i) => i.value)).toEqual([`b@${scope}.example`]);
    const [a2, b2] = await Promise.all([persona(api, `${scope}:a`), persona(api, `${scope}:b`)]);
    expect(a2.person?.id).not.toBe(b2.person?.id);

    // The detachment holds: the same evidence arriving again does not re-attach it.
    await ingest(api, [signup(`${scope}-3`, `${scope}:b`, [wrong], 3)]);
    expect((await persona(api, `${scope}:b`)).identifiers.map((i) => i.value)).toEqual([
      `b@${scope}.example`,
    ]);
  });

  it('links two personas on an assertion and unlinks them again', async () => {
    const a = await persona(api, `${scope}:a`);
    const b = await persona(api, `${scope}:b`);
    const link = dataOf(
      await api.gql<{ linkPersonas: { personas: { key: string }[] } }>(
        /* GraphQL */ `
          mutation ($a: ID!, $b: ID!) {
            linkPersonas(a: $a, b: $b, evidence: "same passport number at check-in") {
              personas {
                key
              }
            }
          }
        `,
        { a: a.id, b: b.id },
      ),
    ).linkPersonas;
    expect(link.personas.map((p) => p.key).sort()).toEqual([`${scope}:a`, `${scope}:b`]);
    await defineUseCase(api, { name: useCase, scope: 'PERSON', contactTypes: ['email'] });
    const linked = await resolve(api, { type: 'email', value: `a@${scope}.example` }, useCase);
    expect(linked.explanation.find((s) => s.rule === 'scope.person')?.detail).toMatch(/same passport number/);

    const unlink = dataOf(
      await api.gql<{ unlinkPersonas: { id: string }[] }>(
        /* GraphQL */ `
          mutation ($a: ID!, $b: ID!) {
            unlinkPersonas(a: $a, b: $b, reason: "two different travellers") {
              id
            }
          }
        `,
        { a: a.id, b: b.id },
      ),
    ).unlinkPersonas;
    expect(unlink).toHaveLength(2);
  });

  it('answers NOT_FOUND when there is no assertion to unlink', async () => {
    const a = await persona(api, `${scope}:a`);
    const b = await persona(api, `${scope}:b`);
    const body = await api.gql(
      /* GraphQL */ `
        mutation ($a: ID!, $b: ID!) {
          unlinkPersonas(a: $a, b: $b, reason: "again") {
            id
          }
        }
      `,
      { a: a.id, b: b.id },
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('identifier types', () => {
  it('splits the persons an identifier glued when an admin lowers its type limit, and rejoins them when raised', async () => {
    const scope = `${tag}-limits`;
    const type = `card-${scope.slice(-8)}`;
    const define = async (maxPersonas: number) =>
      dataOf(
        await api.gql(
          `mutation { defineIdentifierType(input: { name: "${type}", kind: ACCOUNT, maxPersonas: ${maxPersonas} }) { maxPersonas } }`,
        ),
      );
    await define(2);
    await ingest(api, [
      signup(`${scope}-1`, `${scope}:a`, [{ type, value: `${scope}-card` }]),
      signup(`${scope}-2`, `${scope}:b`, [{ type, value: `${scope}-card` }], 1),
    ]);
    const samePerson = async () => {
      const [a, b] = await Promise.all([persona(api, `${scope}:a`), persona(api, `${scope}:b`)]);
      return a.person?.id === b.person?.id;
    };
    expect(await samePerson()).toBe(true);

    await define(1);
    expect(await samePerson()).toBe(false);
    expect((await persona(api, `${scope}:a`)).identifiers[0]?.shared).toBe(true);

    await define(2);
    expect(await samePerson()).toBe(true);
  });
});
