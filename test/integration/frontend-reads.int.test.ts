// What a frontend team builds a customer screen from: search, a persona's timeline in cursor pages,
// and identifiers a client cache can normalize by id even when their values are masked.
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { customerScreen } from '../../client/example.js';
import { dataOf } from '../helpers/operations.js';

let api: TestApi;
const tag = uniqueTag('front');
const reader = `${tag}-reader`;
const piiReader = `${tag}-pii`;
const domain = `mail.${tag}.example`;

beforeAll(async () => {
  api = await startTestApi({ API_KEYS: `${reader}=read,${piiReader}=read+pii,${tag}-writer=write` });
  const events = Array.from({ length: 5 }, (_, i) => ({
    id: `${tag}-e${i}`,
    type: i === 0 ? 'signup' : 'login',
    occurredAt: new Date(Date.UTC(2026, 2, 1 + i, 9)).toISOString(),
    source: 'web',
    actor: {
      persona: { key: `${tag}:sam`, context: 'PERSONAL', label: 'Sam Shopper' },
      identifiers: [
        { type: 'email', value: `Sam@${domain}` },
        { type: 'email', value: `sam.b@${domain}` },
      ],
      authenticated: true,
    },
  }));
  // Two events at the same instant: the cursor must still tell them apart.
  events.push({ ...events[4]!, id: `${tag}-e4b` });
  events.push({
    id: `${tag}-other`,
    type: 'signup',
    occurredAt: '2026-03-02T09:00:00Z',
    source: 'web',
    actor: {
      persona: { key: `${tag}:other`, context: 'WORK', label: 'Office Sammy' },
      identifiers: [{ type: 'email', value: `sammy@work.${tag}.example` }],
      authenticated: true,
    },
  });
  const result = await api.gql(
    /* GraphQL */ `
      mutation ($events: [EventInput!]!) {
        ingest(events: $events) {
          accepted
        }
      }
    `,
    { events },
    { key: `${tag}-writer` },
  );
  expect(dataOf(result)).toEqual({ ingest: { accepted: 7 } });
});
afterAll(async () => {
  await api.close();
});

const SEARCH = /* GraphQL */ `
  query ($text: String!, $first: Int) {
    search(text: $text, first: $first) {
      matched
      field
      persona {
        key
      }
      identifier {
        id
        value
        masked
      }
    }
  }
`;

interface Hit {
  matched: string;
  field: string;
  persona: { key: string };
  identifier: { id: string; value: string; masked: boolean } | null;
}

const search = async (text: string, key: string, first?: number) =>
  dataOf(await api.gql<{ search: Hit[] }>(SEARCH, { text, first }, { key })).search;

describe('search', () => {
  it('finds a persona by the normalized prefix of an identifier value, for callers with pii', async () => {
    const hits = await search(`SAM.B@MAIL.${tag}`, piiReader);
    expect(hits).toEqual([
      {
        matched: `sam.b@${domain}`,
        field: 'IDENTIFIER',
        persona: { key: `${tag}:sam` },
        identifier: { id: expect.stringMatching(/^Identifier:/), value: `sam.b@${domain}`, masked: false },
      },
    ]);
  });

  it('finds personas by key prefix and by a word of the label in any case', async () => {
    expect((await search(`${tag}:s`, piiReader)).map((h) => [h.field, h.matched])).toEqual([
      ['KEY', `${tag}:sam`],
    ]);
    const byLabel = await search('sam', reader);
    expect(
      byLabel.filter((h) => h.persona.key.startsWith(tag)).map((h) => [h.persona.key, h.field, h.matched]),
    ).toEqual([
      [`${tag}:sam`, 'LABEL', 'Sam Shopper'],
      [`${tag}:other`, 'LABEL', 'Office Sammy'],
    ]);
  });

  it('never searches by identifier value for callers without pii', async () => {
    expect(await search(`sam.b@mail.${tag}`, reader)).toEqual([]);
    expect(await search(`sam.b@mail.${tag}`, piiReader)).toHaveLength(1);
  });

  it('refuses text shorter than two characters and pages larger than 100', async () => {
    const short = await api.gql(SEARCH, { text: ' s ' }, { key: reader });
    expect(short.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const large = await api.gql(SEARCH, { text: 'sam', first: 101 }, { key: reader });
    expect(large.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('the typed client example', () => {
  it('finds a customer and reads the screen with the key in the Authorization header', async () => {
    const screen = await customerScreen(api.url, reader, `${tag}:sam`);
    expect(screen?.key).toBe(`${tag}:sam`);
    expect(screen?.identifiers.map((i) => i.masked)).toEqual([true, true]);
    expect(screen?.events.edges).toHaveLength(6);
  });
});

describe('identifiers in a client cache', () => {
  const IDENTIFIERS = /* GraphQL */ `
    query ($key: String!) {
      persona(key: $key) {
        identifiers {
          id
          value
          masked
        }
      }
    }
  `;
  type Identifiers = { persona: { identifiers: { id: string; value: string; masked: boolean }[] } };

  it('gives two masked addresses that read the same two different ids, equal to those pii callers see', async () => {
    const masked = dataOf(await api.gql<Identifiers>(IDENTIFIERS, { key: `${tag}:sam` }, { key: reader }));
    const clear = dataOf(await api.gql<Identifiers>(IDENTIFIERS, { key: `${tag}:sam` }, { key: piiReader }));
    expect(masked.persona.identifiers.map((i) => [i.value, i.masked])).toEqual([
      [`s***@${domain}`, true],
      [`s***@${domain}`, true],
    ]);
    expect(new Set(masked.persona.identifiers.map((i) => i.id)).size).toBe(2);
    expect(masked.persona.identifiers.map((i) => i.id).sort()).toEqual(
      clear.persona.identifiers.map((i) => i.id).sort(),
    );
    expect(clear.persona.identifiers.every((i) => !i.masked)).toBe(true);
    for (const { id } of masked.persona.identifiers) expect(id).not.toMatch(/sam|mail/i);
  });
});

describe('a persona timeline', () => {
  const EVENTS = /* GraphQL */ `
    query ($key: String!, $first: Int, $after: String) {
      persona(key: $key) {
        events(first: $first, after: $after) {
          edges {
            cursor
            node {
              id
              type
              occurredAt
            }
          }
          pageInfo {
            endCursor
            hasNextPage
          }
        }
      }
    }
  `;
  type Page = {
    persona: {
      events: {
        edges: { cursor: string; node: { id: string; type: string; occurredAt: string } }[];
        pageInfo: { endCursor: string | null; hasNextPage: boolean };
      };
    };
  };

  it('pages through the events newest first with cursors, losing and repeating none', async () => {
    const pages: string[][] = [];
    let after: string | null = null;
    for (;;) {
      const page: Page = dataOf(
        await api.gql<Page>(EVENTS, { key: `${tag}:sam`, first: 2, after }, { key: reader }),
      );
      pages.push(page.persona.events.edges.map((e) => e.node.id));
      expect(page.persona.events.pageInfo.endCursor).toBe(page.persona.events.edges.at(-1)?.cursor ?? null);
      if (!page.persona.events.pageInfo.hasNextPage) break;
      after = page.persona.events.pageInfo.endCursor;
    }
    expect(pages).toEqual([
      [`${tag}-e4b`, `${tag}-e4`],
      [`${tag}-e3`, `${tag}-e2`],
      [`${tag}-e1`, `${tag}-e0`],
    ]);
  });

  it('rejects a cursor it did not give out', async () => {
    const body = await api.gql(EVENTS, { key: `${tag}:sam`, after: 'not-a-cursor' }, { key: reader });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
