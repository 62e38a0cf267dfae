// A subscription's context lives as long as the subscription: its loaders must read again for every
// event, where an operation's context reads a row once and serves it from its cache.
import { createContext } from '../../src/context.js';
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';

let api: TestApi;
const tag = uniqueTag('subctx');
const key = `${tag}:p1`;

const addEmail = async (n: number) => {
  const body = await api.gql(
    /* GraphQL */ `
      mutation ($events: [EventInput!]!) {
        ingest(events: $events) {
          accepted
        }
      }
    `,
    {
      events: [
        {
          id: `${tag}-e${n}`,
          type: 'signup',
          occurredAt: `2026-05-0${n}T10:00:00Z`,
          source: 'web',
          actor: {
            persona: { key, context: 'PERSONAL' },
            identifiers: [{ type: 'email', value: `m${n}@${tag}.example` }],
            authenticated: true,
          },
        },
      ],
    },
  );
  expect(body.data).toEqual({ ingest: { accepted: 1 } });
};

const emailsOf = async (context: ReturnType<typeof createContext>, personaId: string) =>
  (await context.loaders.identity.identifiersOfPersona.load(personaId)).map((i) => i.value).sort();

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

describe('loaders in a subscription context', () => {
  it('see a record changed twice after the context was built', async () => {
    await addEmail(1);
    const subscription = createContext({ graph: api.db.graph, config: api.config, isLongLived: true });
    const persona = await subscription.loaders.identity.personaByKey.load(key);
    const personaId = persona!.id;
    expect(await emailsOf(subscription, personaId)).toEqual([`m1@${tag}.example`]);
    await addEmail(2);
    expect(await emailsOf(subscription, personaId)).toEqual([`m1@${tag}.example`, `m2@${tag}.example`]);
    await addEmail(3);
    expect(await emailsOf(subscription, personaId)).toEqual([
      `m1@${tag}.example`,
      `m2@${tag}.example`,
      `m3@${tag}.example`,
    ]);
  });

  it('are read once per operation in an ordinary context', async () => {
    const operation = createContext({ graph: api.db.graph, config: api.config });
    const personaId = (await operation.loaders.identity.personaByKey.load(key))!.id;
    const read = [`m1@${tag}.example`, `m2@${tag}.example`, `m3@${tag}.example`];
    expect(await emailsOf(operation, personaId)).toEqual(read);
    await addEmail(4);
    expect(await emailsOf(operation, personaId)).toEqual(read);
  });
});
