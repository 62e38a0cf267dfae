// How a resolution reaches the database: one read once the policy is cached, and a policy cached per
// instance that every instance drops when any of them redefines it.
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { changesSubscription, TestSubscriber } from '../helpers/changes.js';
import { dataOf, defineUseCase, ingest, RESOLVE, type ResolutionResult } from '../helpers/operations.js';

const tag = uniqueTag('resolution');
const email = (name: string) => `${name}@${tag}.example`;

function signup(name: string) {
  return {
    id: `${tag}-${name}-signup`,
    type: 'signup',
    occurredAt: '2026-03-01T09:00:00Z',
    source: 'web',
    actor: {
      persona: { key: `${tag}:${name}`, context: 'PERSONAL' },
      identifiers: [
        { type: 'email', value: email(name) },
        { type: 'loyalty', value: `${tag}-${name}-card` },
      ],
      authenticated: true,
    },
    consents: [{ purpose: 'news', channel: 'EMAIL', granted: true }],
  };
}

async function resolveOver(api: TestApi, value: string, useCase: string) {
  const body = await api.gql<{ resolve: ResolutionResult }>(RESOLVE, {
    identifier: { type: 'email', value },
    useCase,
  });
  return { resolution: dataOf(body).resolve, dbRoundTrips: body.extensions?.dbRoundTrips };
}

async function latestCursor(api: TestApi): Promise<string> {
  return dataOf(await api.gql<{ latestChangeCursor: string }>('{ latestChangeCursor }')).latestChangeCursor;
}

describe('the database round trips of a resolution', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    await ingest(api, [signup('ada')]);
  });
  afterAll(async () => {
    await api.close();
  });

  it('is one read once the use case and the identifier types are cached', async () => {
    const useCase = `${tag}-news`;
    // The instance's own feed delivers the definition too (and drops the cached copy once more):
    // wait for it, so the counts below do not depend on when it arrives.
    const feed = new TestSubscriber(api.wsUrl, changesSubscription, {
      after: await latestCursor(api),
      types: ['USE_CASE_DEFINED'],
    });
    await defineUseCase(api, {
      name: useCase,
      scope: 'PERSON',
      contactTypes: ['email'],
      consentPurpose: 'news',
    });
    await feed.waitUntil(() => feed.changes.some((c) => c.data.name === useCase), 'the definition');
    await feed.close();

    // Defining read the identifier types; the first resolution reads the use case, then gathers.
    const first = await resolveOver(api, email('ada'), useCase);
    expect(first.resolution.contact).toEqual({ type: 'email', value: email('ada') });
    expect(first.dbRoundTrips).toBe(2);

    const again = await resolveOver(api, email('ada'), useCase);
    expect(again.resolution).toEqual(first.resolution);
    expect(again.dbRoundTrips).toBe(1);
  });

  it('reads nothing for an operation that needs nothing', async () => {
    const body = await api.gql('{ __typename }');
    expect(body.extensions?.dbRoundTrips).toBe(0);
  });

  it('answers with a redefined use case at once on the instance that redefined it', async () => {
    const useCase = `${tag}-redefined-here`;
    await defineUseCase(api, { name: useCase, scope: 'PERSONA', contactTypes: ['loyalty'] });
    expect((await resolveOver(api, email('ada'), useCase)).resolution.contact).toEqual({
      type: 'loyalty',
      value: `${tag}-ada-card`,
    });
    await defineUseCase(api, { name: useCase, scope: 'PERSONA', contactTypes: ['email'] });
    expect((await resolveOver(api, email('ada'), useCase)).resolution.contact).toEqual({
      type: 'email',
      value: email('ada'),
    });
  });
});

describe('definitions cached on two instances sharing one database', () => {
  let writer: TestApi;
  let reader: TestApi;
  let subscriber: TestSubscriber | undefined;
  beforeAll(async () => {
    [writer, reader] = await Promise.all([
      startTestApi({ CHANGE_POLL_MS: '50' }),
      startTestApi({ CHANGE_POLL_MS: '50' }),
    ]);
    await ingest(writer, [signup('bob')]);
  });
  afterAll(async () => {
    await subscriber?.close();
    await Promise.all([writer?.close(), reader?.close()]);
  });

  it('sees a use case and an identifier type redefined on the other instance', async () => {
    const useCase = `${tag}-shared-policy`;
    const badge = `badge-${tag.slice(-8)}`;
    await defineUseCase(writer, { name: useCase, scope: 'PERSONA', contactTypes: ['loyalty'] });
    dataOf(
      await writer.gql(
        'mutation ($input: IdentifierTypeInput!) { defineIdentifierType(input: $input) { name } }',
        { input: { name: badge, kind: 'OTHER', maxPersonas: 2 } },
      ),
    );
    const typesQuery = '{ identifierTypes { name maxPersonas } }';
    type Types = { identifierTypes: { name: string; maxPersonas: number }[] };
    const badgeLimit = async (api: TestApi) =>
      dataOf(await api.gql<Types>(typesQuery)).identifierTypes.find((t) => t.name === badge)?.maxPersonas;

    // The reader caches both.
    expect((await resolveOver(reader, email('bob'), useCase)).resolution.contact?.type).toBe('loyalty');
    expect(await badgeLimit(reader)).toBe(2);

    subscriber = new TestSubscriber(reader.wsUrl, changesSubscription, {
      after: await latestCursor(reader),
      types: ['USE_CASE_DEFINED', 'IDENTIFIER_TYPE_DEFINED'],
    });
    await defineUseCase(writer, { name: useCase, scope: 'PERSONA', contactTypes: ['email'] });
    dataOf(
      await writer.gql(
        'mutation ($input: IdentifierTypeInput!) { defineIdentifierType(input: $input) { name } }',
        { input: { name: badge, kind: 'OTHER', maxPersonas: 4 } },
      ),
    );
    // Once the reader's feed has delivered both redefinitions, its caches have dropped them.
    const ours = () => subscriber!.changes.filter((c) => c.data.name === useCase || c.data.name === badge);
    await subscriber.waitUntil(() => ours().length === 2, 'both redefinitions on the reader');
    expect(ours().map((c) => [c.type, c.data])).toEqual([
      ['USE_CASE_DEFINED', { event: null, action: 'defineUseCase', name: useCase }],
      ['IDENTIFIER_TYPE_DEFINED', { event: null, action: 'defineIdentifierType', name: badge }],
    ]);

    expect((await resolveOver(reader, email('bob'), useCase)).resolution.contact).toEqual({
      type: 'email',
      value: email('bob'),
    });
    expect(await badgeLimit(reader)).toBe(4);
  });
});
