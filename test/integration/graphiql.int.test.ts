// GraphiQL's page runs subscriptions: its own fetcher, built from the page as a browser would build
// it, follows the change feed over graphql-ws with the Headers tab's API key.
import vm from 'node:vm';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { parse } from 'graphql';
import WebSocket from 'ws';
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { change, recordCommitted } from '../helpers/changes.js';

type Fetcher = ReturnType<typeof createGraphiQLFetcher>;

/** Runs the page's inline script with GraphiQL's real fetcher factory; returns what it built. */
function fetcherOfPage(
  html: string,
  pageUrl: string,
): { fetcher: Fetcher; options: Record<string, unknown> } {
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (!script) throw new Error('the GraphiQL page has no inline script');
  let built: { fetcher: Fetcher; options: Record<string, unknown> } | undefined;
  const createFetcher = (options: Parameters<typeof createGraphiQLFetcher>[0]) => {
    const fetcher = createGraphiQLFetcher({ ...options, fetch });
    built = { fetcher, options: options as unknown as Record<string, unknown> };
    return fetcher;
  };
  vm.runInNewContext(script, {
    URL,
    location: new URL(pageUrl),
    GraphiQL: { createFetcher },
    React: { createElement: () => null },
    ReactDOM: { createRoot: () => ({ render: () => undefined }) },
    document: { getElementById: () => null },
  });
  if (!built) throw new Error('the page built no fetcher');
  return built;
}

describe('GraphiQL', () => {
  let api: TestApi;
  const globals = globalThis as { WebSocket?: unknown };
  const browserWebSocket = globals.WebSocket;
  beforeAll(async () => {
    // A browser has a WebSocket; Node 20 gets the ws package's in its place.
    globals.WebSocket = WebSocket;
    api = await startTestApi({ API_KEYS: 'gq-sub=subscribe+read' });
  });
  afterAll(async () => {
    globals.WebSocket = browserWebSocket;
    await api.close();
  });

  it('points its fetcher at the WebSocket URL of the same /graphql path', async () => {
    const pageUrl = api.url.replace('/graphql', '/graphiql');
    const html = await (await fetch(pageUrl)).text();
    const { options } = fetcherOfPage(html, pageUrl);
    expect(options).toEqual({ url: api.url, subscriptionUrl: api.wsUrl });
    expect(fetcherOfPage(html, 'https://idgraph.example/graphiql').options).toEqual({
      url: 'https://idgraph.example/graphql',
      subscriptionUrl: 'wss://idgraph.example/graphql',
    });
  });

  it('runs a subscription with the API key from the Headers tab', async () => {
    const tag = uniqueTag('graphiql');
    const pageUrl = api.url.replace('/graphql', '/graphiql');
    const { fetcher } = fetcherOfPage(await (await fetch(pageUrl)).text(), pageUrl);
    const latest = await api.gql<{ latestChangeCursor: string }>(
      '{ latestChangeCursor }',
      {},
      { key: 'gq-sub' },
    );
    const after = latest.data!.latestChangeCursor;
    const query = /* GraphQL */ `
      subscription Follow {
        changes(after: "${after}", types: [FACT_RECORDED]) {
          type
          personaIds
          data
        }
      }
    `;
    const result = (await fetcher(
      { query, operationName: 'Follow' },
      { documentAST: parse(query), headers: { authorization: 'Bearer gq-sub' } },
    )) as AsyncIterableIterator<{ data?: { changes: { data: { tag?: string } } } }>;
    try {
      await recordCommitted(api.db.graph, [change(tag, 0)]);
      let next = await result.next();
      while (!next.done && next.value.data?.changes.data?.tag !== tag) next = await result.next();
      expect(next.value).toEqual({
        data: { changes: { type: 'FACT_RECORDED', personaIds: [`${tag}-persona`], data: { tag, n: 0 } } },
      });
    } finally {
      await result.return?.();
    }
  });
});
