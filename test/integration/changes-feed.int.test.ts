// The change feed on one instance: replay by cursor, live subscriptions, filters, rolled-back writes,
// and the outbox race (late commits) with concurrent writers and readers tailing at the same time.
import type { ChangeInput } from '../../src/outbox/outbox.model.js';
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { dataOf } from '../helpers/operations.js';
import {
  change,
  changesSubscription,
  expectIncreasingCursors,
  profileChangedSubscription,
  recordCommitted,
  recordRolledBack,
  sleep,
  TestSubscriber,
  type ChangeEvent,
} from '../helpers/changes.js';
import { recordChanges } from '../../src/outbox/outbox.js';

const pageQuery = /* GraphQL */ `
  query Page($after: String, $first: Int, $types: [ChangeType!]) {
    changes(after: $after, first: $first, types: $types) {
      edges {
        cursor
        node {
          cursor
          type
          personaIds
          personIds
          data
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`;

interface PageResult {
  changes: {
    edges: { cursor: string; node: ChangeEvent }[];
    pageInfo: { endCursor: string; hasNextPage: boolean };
  };
}

describe('the change feed', () => {
  let api: TestApi;
  const subscribers: TestSubscriber[] = [];
  const subscribe = (query: string, variables: Record<string, unknown>) => {
    const subscriber = new TestSubscriber(api.wsUrl, query, variables);
    subscribers.push(subscriber);
    return subscriber;
  };

  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await Promise.all(subscribers.map((s) => s.close()));
    await api?.close();
  });

  async function latestCursor(): Promise<string> {
    const body = await api.gql<{ latestChangeCursor: string }>('{ latestChangeCursor }');
    expect(body.errors).toBeUndefined();
    return body.data!.latestChangeCursor;
  }

  /** Pages through the feed from a cursor to its end, keeping the changes with this tag. */
  async function replay(after: string, tag: string, first = 7): Promise<ChangeEvent[]> {
    const found: ChangeEvent[] = [];
    let cursor = after;
    for (;;) {
      const body = await api.gql<PageResult>(pageQuery, { after: cursor, first });
      expect(body.errors).toBeUndefined();
      const { edges, pageInfo } = body.data!.changes;
      for (const edge of edges) {
        expect(edge.cursor).toBe(edge.node.cursor);
        if (edge.node.data?.tag === tag) found.push(edge.node);
      }
      cursor = pageInfo.endCursor;
      if (!pageInfo.hasNextPage) return found;
    }
  }

  it('replays the changes after a cursor, in the order they were written, page by page', async () => {
    const tag = uniqueTag('replay');
    const start = await latestCursor();
    for (let n = 0; n < 5; n++)
      await recordCommitted(api.db.graph, [
        change(tag, 3 * n),
        change(tag, 3 * n + 1),
        change(tag, 3 * n + 2),
      ]);

    const found = await replay(start, tag);

    expect(found.map((c) => c.data.n)).toEqual([...Array(15).keys()]);
    expectIncreasingCursors(found);
    expect(found[0]).toMatchObject({
      type: 'FACT_RECORDED',
      personaIds: [`${tag}-persona`],
      personIds: [`${tag}-person`],
    });
  });

  it('resumes a replay from any cursor it returned, without repeating a change', async () => {
    const tag = uniqueTag('resume-page');
    const start = await latestCursor();
    await recordCommitted(
      api.db.graph,
      [0, 1, 2, 3, 4, 5].map((n) => change(tag, n)),
    );
    const all = await replay(start, tag);

    const fromThird = await replay(all[2]!.cursor, tag);

    expect(fromThird.map((c) => c.data.n)).toEqual([3, 4, 5]);
  });

  it('keeps the order of changes a transaction records in several calls', async () => {
    const tag = uniqueTag('calls');
    const start = await latestCursor();
    await api.db.graph.writeTx('test/several-calls', async (tx) => {
      for (let call = 0; call < 4; call++) {
        await recordChanges(tx, [
          change(tag, 3 * call),
          change(tag, 3 * call + 1),
          change(tag, 3 * call + 2),
        ]);
      }
    });

    const found = await replay(start, tag, 1000);

    expect(found.map((c) => c.data.n)).toEqual([...Array(12).keys()]);
    expect(new Set(found.map((c) => c.at)).size).toBe(1);
  });

  it('filters a replay by change type', async () => {
    const tag = uniqueTag('types');
    const start = await latestCursor();
    await recordCommitted(api.db.graph, [
      change(tag, 0, `${tag}-p`, 'CONSENT_RECORDED'),
      change(tag, 1, `${tag}-p`, 'FACT_RECORDED'),
      change(tag, 2, `${tag}-p`, 'CONSENT_RECORDED'),
    ]);
    const body = await api.gql<PageResult>(pageQuery, {
      after: start,
      first: 1000,
      types: ['CONSENT_RECORDED'],
    });
    const mine = body.data!.changes.edges.map((e) => e.node).filter((c) => c.data?.tag === tag);
    expect(mine.map((c) => [c.type, c.data.n])).toEqual([
      ['CONSENT_RECORDED', 0],
      ['CONSENT_RECORDED', 2],
    ]);
  });

  it('never shows the changes of a write that rolled back', async () => {
    const tag = uniqueTag('rollback');
    const start = await latestCursor();
    await recordCommitted(api.db.graph, [change(tag, 1)]);
    await recordRolledBack(api.db.graph, [change(tag, 2), change(tag, 3)]);
    await recordCommitted(api.db.graph, [change(tag, 4)]);

    const found = await replay(start, tag);

    expect(found.map((c) => c.data.n)).toEqual([1, 4]);
  });

  it('rejects a cursor that the API did not issue, with BAD_USER_INPUT', async () => {
    for (const after of ['not-a-cursor', '-1', '999999999999']) {
      const body = await api.gql(pageQuery, { after });
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const tooMany = await api.gql(pageQuery, { first: 5000 });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('delivers live changes to a subscriber without a cursor, in order', async () => {
    const tag = uniqueTag('live');
    const subscriber = subscribe(changesSubscription, {});
    // Without a cursor a subscription starts "from now", at a moment the client cannot see: write
    // probes until one arrives, then everything written after it must arrive too.
    for (let probe = 0; subscriber.tagged(`${tag}-probe`).length === 0; probe++) {
      if (probe > 100) throw new Error('the subscription never went live');
      await recordCommitted(api.db.graph, [change(`${tag}-probe`, probe)]);
      await sleep(50);
    }
    for (let n = 0; n < 10; n++) await recordCommitted(api.db.graph, [change(tag, n)]);

    await subscriber.waitForTagged(tag, 10);

    expect(subscriber.tagged(tag).map((c) => c.data.n)).toEqual([...Array(10).keys()]);
    expectIncreasingCursors(subscriber.changes);
  });

  it('replays from a cursor and then goes live, with no gap and no duplicate at the seam', async () => {
    const tag = uniqueTag('seam');
    const start = await latestCursor();
    for (let n = 0; n < 20; n++) await recordCommitted(api.db.graph, [change(tag, n)]);
    const subscriber = subscribe(changesSubscription, { after: start });
    // Writes race the replay: some land before the subscriber reaches the end, some after.
    for (let n = 20; n < 40; n++) {
      await recordCommitted(api.db.graph, [change(tag, n)]);
      if (n % 5 === 0) await sleep(5);
    }

    await subscriber.waitForTagged(tag, 40);
    await sleep(200);

    expect(subscriber.tagged(tag).map((c) => c.data.n)).toEqual([...Array(40).keys()]);
    expectIncreasingCursors(subscriber.changes);
  });

  it('sends a persona subscriber only the changes of its persona, and a person subscriber only its person', async () => {
    const tag = uniqueTag('persona');
    const start = await latestCursor();
    const anne = `${tag}-anne`;
    const joe = `${tag}-joe`;
    const anneSubscriber = subscribe(profileChangedSubscription, { personaId: anne, after: start });
    const personSubscriber = subscribe(profileChangedSubscription, {
      personId: `${tag}-joe-person`,
      after: start,
    });
    const changes: ChangeInput[] = [];
    for (let n = 0; n < 6; n++) {
      const persona = n % 2 === 0 ? anne : joe;
      changes.push({
        type: 'FACT_RECORDED',
        personaIds: [persona],
        personIds: [`${persona}-person`],
        data: { tag, n },
      });
    }
    for (const c of changes) await recordCommitted(api.db.graph, [c]);

    await anneSubscriber.waitForTagged(tag, 3);
    await personSubscriber.waitForTagged(tag, 3);
    await sleep(300);

    expect(anneSubscriber.changes.map((c) => c.data.n)).toEqual([0, 2, 4]);
    expect(anneSubscriber.changes.every((c) => c.personaIds.includes(anne))).toBe(true);
    expect(personSubscriber.changes.map((c) => c.data.n)).toEqual([1, 3, 5]);
  });

  it('filters a subscription by change type', async () => {
    const tag = uniqueTag('sub-types');
    const start = await latestCursor();
    const subscriber = subscribe(changesSubscription, { after: start, types: ['PERSON_ERASED'] });
    await recordCommitted(api.db.graph, [
      change(tag, 0, `${tag}-p`, 'FACT_RECORDED'),
      change(tag, 1, `${tag}-p`, 'PERSON_ERASED'),
    ]);
    await subscriber.waitForTagged(tag, 1);
    await sleep(200);
    expect(subscriber.tagged(tag).map((c) => [c.type, c.data.n])).toEqual([['PERSON_ERASED', 1]]);
  });

  it('rejects a profile subscription that names neither or both of persona and person', async () => {
    const neither = subscribe(profileChangedSubscription, {});
    const both = subscribe(profileChangedSubscription, { personaId: 'a', personId: 'b' });
    for (const subscriber of [neither, both]) {
      const error = await subscriber.firstError();
      expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('refuses an invalid subscription with GRAPHQL_VALIDATION_FAILED, as over HTTP', async () => {
    const subscriber = subscribe('subscription { changes { nope } }', {});
    const error = await subscriber.firstError();
    expect(error?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('rejects a subscription cursor the API did not issue', async () => {
    const subscriber = subscribe(changesSubscription, { after: 'yesterday' });
    const error = await subscriber.firstError();
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('loses nothing to the outbox race: late commits, rollbacks, concurrent writers and tailing readers', async () => {
    const tag = uniqueTag('race');
    const start = await latestCursor();
    const subscriber = subscribe(changesSubscription, { after: start });
    const committed = new Set<number>();
    const rolledBack = new Set<number>();
    let next = 0;

    // Writers: each transaction records its change first, so it is stamped early, and then some of
    // them hold the transaction open while others commit after them: the late commit must still
    // arrive, after changes that committed earlier, and nothing may be skipped or repeated.
    const writer = async (worker: number) => {
      for (let i = 0; i < 25; i++) {
        const n = next++;
        const shape = (worker + i) % 5;
        if (shape === 4) {
          await recordRolledBack(api.db.graph, [change(tag, n)]);
          rolledBack.add(n);
          continue;
        }
        await api.db.graph.writeTx('test/late-commit', async (tx) => {
          await recordChanges(tx, [change(tag, n)]);
          if (shape === 0) await sleep(150 + ((worker * 37 + i * 11) % 200));
        });
        committed.add(n);
      }
    };

    // A second reader polls the replay query while the writers run, as a batch consumer would.
    let isWriting = true;
    const polled: ChangeEvent[] = [];
    const poller = (async () => {
      let cursor = start;
      const deadline = Date.now() + 30_000;
      while ((isWriting || polled.length < committed.size) && Date.now() < deadline) {
        const body = await api.gql<PageResult>(pageQuery, { after: cursor, first: 50 });
        expect(body.errors).toBeUndefined();
        const page = body.data!.changes;
        polled.push(...page.edges.map((e) => e.node).filter((c) => c.data?.tag === tag));
        cursor = page.pageInfo.endCursor;
        if (!page.pageInfo.hasNextPage) await sleep(20);
      }
    })();

    await Promise.all([0, 1, 2, 3, 4, 5].map(writer));
    isWriting = false;
    await poller;
    await subscriber.waitForTagged(tag, committed.size);
    await sleep(300);

    for (const reader of [subscriber.tagged(tag), polled]) {
      const seen = reader.map((c) => c.data.n!);
      expect(new Set(seen).size).toBe(seen.length); // no duplicate
      expect(new Set(seen)).toEqual(committed); // nothing lost, nothing rolled back
      expectIncreasingCursors(reader);
    }
    expect(rolledBack.size).toBeGreaterThan(0);
    // Both readers saw the one total order.
    expect(polled.map((c) => c.cursor)).toEqual(subscriber.tagged(tag).map((c) => c.cursor));
  });
});

describe('access to the change feed', () => {
  let api: TestApi;
  let subscribers: TestSubscriber[] = [];
  beforeAll(async () => {
    api = await startTestApi({
      API_KEYS: 'reader-key=read,integrator-key=subscribe,pii-integrator-key=subscribe+pii,writer-key=write',
    });
  });
  afterAll(async () => {
    await Promise.all(subscribers.map((s) => s.close()));
    await api?.close();
  });

  it('replays and subscribes only with the subscribe role', async () => {
    const tag = uniqueTag('access');
    const asReader = await api.gql(pageQuery, {}, { key: 'reader-key' });
    expect(asReader.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = new TestSubscriber(api.wsUrl, changesSubscription, {});
    const integrator = new TestSubscriber(
      api.wsUrl,
      changesSubscription,
      {
        after: dataOf(
          await api.gql<{ latestChangeCursor: string }>(
            '{ latestChangeCursor }',
            {},
            { key: 'integrator-key' },
          ),
        ).latestChangeCursor,
      },
      { key: 'integrator-key' },
    );
    subscribers = [anonymous, integrator];

    // Refused at connection_init, before any subscription: graphql-ws's close code for Unauthorized.
    expect(((await anonymous.firstError()) as unknown as { code: number }).code).toBe(4401);
    await recordCommitted(api.db.graph, [change(tag, 0)]);
    await integrator.waitForTagged(tag, 1);
  });

  it('shows identifier values in changes only to subscribers with the pii role', async () => {
    const tag = uniqueTag('pii');
    const cursor = (key: string) =>
      api.gql<{ latestChangeCursor: string }>('{ latestChangeCursor }', {}, { key });
    const after = dataOf(await cursor('integrator-key')).latestChangeCursor;
    const ingested = await api.gql(
      `mutation { ingest(events: [{ id: "${tag}", type: "signup", occurredAt: "2026-01-01T00:00:00Z", source: "web",
        actor: { persona: { key: "${tag}:p" }, identifiers: [{ type: "email", value: "${tag}@example.org" }] } }]) { accepted } }`,
      {},
      { key: 'writer-key' },
    );
    expect(dataOf(ingested)).toEqual({ ingest: { accepted: 1 } });
    const personaId = dataOf(
      await api.gql<{ persona: { id: string } }>(
        `{ persona(key: "${tag}:p") { id } }`,
        {},
        { key: 'reader-key' },
      ),
    ).persona.id;
    const attached = async (key: string) => {
      for (let attempt = 0; attempt < 50; attempt++) {
        const page = dataOf(
          await api.gql<PageResult>(
            pageQuery,
            { after, first: 500, types: ['IDENTIFIER_ATTACHED'] },
            { key },
          ),
        );
        const mine = page.changes.edges.find((e) => e.node.personaIds.includes(personaId));
        if (mine) return mine.node.data;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('the change never arrived');
    };
    expect(await attached('pii-integrator-key')).toEqual({
      event: tag,
      action: null,
      type: 'email',
      value: `${tag}@example.org`,
    });
    expect(await attached('integrator-key')).toEqual({
      event: tag,
      action: null,
      type: 'email',
      value: expect.stringMatching(/masked/),
      masked: true,
    });
  });
});
