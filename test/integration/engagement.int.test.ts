// Engagement from the marketer's side, on a small population whose every figure is computed by hand.
// Ranks are quintiles over all scored personas (the API scores the whole graph, never a part of it), so
// this file runs on a database no other file writes to meanwhile, emptied first.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadDemoData } from '../../src/cli/demo-data.js';
import { projectRoot } from '../../src/config.js';
import { startTestApiOnQuietDatabase, type TestApi } from '../helpers/api.js';
import { dataOf, demoPhones, ingest } from '../helpers/operations.js';

let api: TestApi;
const dayMs = 86_400_000;
/** A moment `days` (and an hour) before now, so whole days counted from a run now are exactly `days`. */
const ago = (days: number) => new Date(Date.now() - days * dayMs - 3_600_000).toISOString();

const ENGAGEMENT = /* GraphQL */ `
  query ($key: String!) {
    persona(key: $key) {
      engagement {
        rfc {
          days
          count
          recencyRank
          frequencyRank
        }
        rfo {
          count
        }
        rfm {
          count
          monetary
          recencyRank
          frequencyRank
          monetaryRank
        }
        interests {
          topic
          score
        }
      }
    }
  }
`;
interface Engagement {
  rfc: { days: number; count: number; recencyRank: number; frequencyRank: number } | null;
  rfo: { count: number } | null;
  rfm: {
    count: number;
    monetary: number;
    recencyRank: number;
    frequencyRank: number;
    monetaryRank: number;
  } | null;
  interests: { topic: string; score: number }[];
}
const engagementOf = async (key: string) =>
  dataOf(await api.gql<{ persona: { engagement: Engagement | null } }>(ENGAGEMENT, { key })).persona
    .engagement;
const computeScores = async () =>
  dataOf(
    await api.gql<{ computeScores: { personas: number; changed: number } }>(
      'mutation { computeScores { personas changed } }',
    ),
  ).computeScores;

const event = (
  id: string,
  key: string,
  type: string,
  occurredAt: string,
  extra: Record<string, unknown> = {},
) => ({
  id,
  type,
  occurredAt,
  source: 'esp',
  actor: {
    persona: { key, context: 'PERSONAL' },
    identifiers: [{ type: 'email', value: `${key}@shop.example` }],
  },
  ...extra,
});

beforeAll(async () => {
  api = await startTestApiOnQuietDatabase({ ENGAGEMENT_HALF_LIFE_DAYS: '30' });
  for (const term of [
    { vocabulary: 'topic', key: 'shipping', label: 'Shipping' },
    { vocabulary: 'topic', key: 'freight', label: 'Freight', broader: 'shipping' },
  ]) {
    dataOf(
      await api.gql('mutation ($t: TermDefinitionInput!) { defineTerm(input: $t) { key } }', { t: term }),
    );
  }
  dataOf(
    await api.gql(
      'mutation { defineCampaign(input: { code: "RATES", name: "Freight rates", topics: ["freight"] }) { code } }',
    ),
  );
  // c1…c5 clicked 1…5 times, the latest click 50, 40, 30, 20 and 10 days ago; c5 also bought twice.
  const events = [1, 2, 3, 4, 5].flatMap((n) =>
    Array.from({ length: n }, (_, i) => event(`c${n}-click-${i}`, `c${n}`, 'email_click', ago(60 - 10 * n))),
  );
  await ingest(api, [
    ...events,
    event('c5-buy-1', 'c5', 'purchase', ago(3), { amount: 20, currency: 'EUR' }),
    event('c5-buy-2', 'c5', 'purchase', ago(2), { amount: 22.5, currency: 'EUR' }),
    event('c1-buy', 'c1', 'purchase', ago(40), { amount: 5, currency: 'EUR' }),
    // A click on the freight campaign two months ago, and nothing since.
    event('old-click', 'reader', 'email_click', ago(60), { campaign: 'RATES' }),
    event('reader-open', 'reader', 'email_open', ago(60)),
  ]);
  // The quiet Neo4j may still be starting, or in another file's turn: on a busy machine that can take a minute.
}, 180_000);
afterAll(async () => {
  await api.close();
});

describe('engagement scores', () => {
  it('ranks clicks by quintile: the most recent and most frequent clicker 5, the least 1', async () => {
    expect(await computeScores()).toEqual({ personas: 6, changed: 6 });
    const ranks = await Promise.all([1, 2, 3, 4, 5].map((n) => engagementOf(`c${n}`)));
    expect(ranks.map((e) => e!.rfc)).toEqual([
      { days: 50, count: 1, recencyRank: 1, frequencyRank: 1 },
      { days: 40, count: 2, recencyRank: 2, frequencyRank: 2 },
      { days: 30, count: 3, recencyRank: 3, frequencyRank: 3 },
      { days: 20, count: 4, recencyRank: 4, frequencyRank: 4 },
      { days: 10, count: 5, recencyRank: 5, frequencyRank: 5 },
    ]);
    // reader clicked 60 days ago, once: below every threshold of the six clickers.
    expect((await engagementOf('reader'))!.rfc).toEqual({
      days: 60,
      count: 1,
      recencyRank: 1,
      frequencyRank: 1,
    });
    // The data engineer's report of the same run (cypher/analytics/score-distributions.cypher).
    const report = fs.readFileSync(
      path.join(projectRoot, 'cypher/analytics/score-distributions.cypher'),
      'utf8',
    );
    const { rows } = await api.db.graph.runTextTx(report, {}, 'READ');
    expect(
      rows
        .filter((r) => r.score === 'rfc frequency')
        .map((r) => [r.rank, r.personas, r.minCount, r.maxCount]),
    ).toEqual([
      [1, 2, 1, 1],
      [2, 1, 2, 2],
      [3, 1, 3, 3],
      [4, 1, 4, 4],
      [5, 1, 5, 5],
    ]);
  });

  it('sums purchases into RFM and ranks the bigger spender higher', async () => {
    // Two buyers: the 20th and 40th percentiles are c1's figures, the 60th and 80th c5's, so c1 is
    // above no threshold (rank 1) and c5 above two (rank 3).
    expect((await engagementOf('c5'))!.rfm).toEqual({
      count: 2,
      monetary: 42.5,
      recencyRank: 3,
      frequencyRank: 3,
      monetaryRank: 3,
    });
    expect((await engagementOf('c1'))!.rfm).toEqual({
      count: 1,
      monetary: 5,
      recencyRank: 1,
      frequencyRank: 1,
      monetaryRank: 1,
    });
  });

  it('decays a two-month-old click to a quarter with a 30-day half-life, and counts it toward the broader topic', async () => {
    const reader = await engagementOf('reader');
    expect(reader!.interests).toEqual([
      { topic: 'freight', score: 0.25 },
      { topic: 'shipping', score: 0.25 },
    ]);
    expect(reader!.rfo).toEqual({ count: 1 });
  });

  it('rescores only personas with new events, and says which changed', async () => {
    await ingest(api, [event('c1-late-click', 'c1', 'email_click', ago(1))]);
    const run = await computeScores();
    // c1 is rescored; its new click moves the click ranks of others too.
    expect(run.personas).toBe(1);
    expect((await engagementOf('c1'))!.rfc).toMatchObject({ days: 1, count: 2 });
    expect(run.changed).toBeGreaterThanOrEqual(1);
    const again = await computeScores();
    expect(again).toEqual({ personas: 0, changed: 0 });
  });
});

describe('idgraph score', () => {
  it('runs the same scoring from the command line: nothing new since the last run, nothing rescored', () => {
    const cli = spawnSync(process.execPath, [path.join(projectRoot, 'dist/cli/idgraph.js'), 'score'], {
      env: { ...process.env, NEO4J_URI: api.db.uri, NODE_ENV: 'production' },
      encoding: 'utf8',
    });
    expect(cli.status).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ personas: 0, changed: 0 });
  });
});

describe('segments', () => {
  const SEGMENT = /* GraphQL */ `
    query ($name: String!, $after: String) {
      segment(name: $name) {
        name
        count
        members(first: 1, after: $after) {
          edges {
            node {
              key
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
  interface Page {
    segment: {
      count: number;
      members: {
        edges: { node: { key: string } }[];
        pageInfo: { endCursor: string | null; hasNextPage: boolean };
      };
    } | null;
  }

  it('counts and pages the frequent clickers (RFC frequency rank 4 or more)', async () => {
    dataOf(
      await api.gql(
        'mutation { defineSegment(input: {name: "frequent-clickers", conditions: {minRanks: {rfcFrequency: 4}}}) { name } }',
      ),
    );
    const first = dataOf(await api.gql<Page>(SEGMENT, { name: 'frequent-clickers' })).segment!;
    // After c1's late click, c1 clicked twice: counts 2, 2, 3, 4, 5 and the reader's 1 put the 80th
    // percentile at 4 and the 60th at 3, so only c4 (4) and c5 (5) are above three thresholds.
    expect(first.count).toBe(2);
    expect(first.members.edges.map((e) => e.node.key)).toEqual(['c4']);
    expect(first.members.pageInfo.hasNextPage).toBe(true);
    const second = dataOf(
      await api.gql<Page>(SEGMENT, { name: 'frequent-clickers', after: first.members.pageInfo.endCursor }),
    ).segment!;
    expect(second.members.edges.map((e) => e.node.key)).toEqual(['c5']);
    expect(second.members.pageInfo.hasNextPage).toBe(false);
  });

  it('finds the reader by an interest in the broader topic', async () => {
    dataOf(
      await api.gql(
        'mutation { defineSegment(input: {name: "shipping-fans", conditions: {interests: [{topic: "shipping", minScore: 0.2}]}}) { name } }',
      ),
    );
    const page = dataOf(await api.gql<Page>(SEGMENT, { name: 'shipping-fans' })).segment!;
    expect(page.count).toBe(1);
    expect(page.members.edges.map((e) => e.node.key)).toEqual(['reader']);
  });

  it('resolves each member under a use case: one contact per person, the suppressed counted', async () => {
    for (const input of [
      { name: 'segment-notice', scope: 'PERSONA', contactTypes: ['email'] },
      { name: 'segment-news', scope: 'PERSONA', contactTypes: ['email'], consentPurpose: 'news' },
    ]) {
      dataOf(
        await api.gql('mutation ($u: UseCaseInput!) { defineUseCase(input: $u) { name } }', { u: input }),
      );
    }
    const contacts = async (useCase: string) =>
      dataOf(
        await api.gql<{ segment: { contacts: unknown } }>(
          `query ($u: String!) { segment(name: "frequent-clickers") { contacts(useCase: $u) {
             contacts { persona { key } contact { value } } ambiguous suppressed samePerson } } }`,
          { u: useCase },
        ),
      ).segment.contacts;
    expect(await contacts('segment-notice')).toEqual({
      contacts: [
        { persona: { key: 'c4' }, contact: { value: 'c4@shop.example' } },
        { persona: { key: 'c5' }, contact: { value: 'c5@shop.example' } },
      ],
      ambiguous: 0,
      suppressed: 0,
      samePerson: 0,
    });
    // Nobody in the segment consented to news: both are counted, neither is contacted.
    expect(await contacts('segment-news')).toEqual({
      contacts: [],
      ambiguous: 0,
      suppressed: 2,
      samePerson: 0,
    });
  });

  it('refuses a rank outside 1 to 5 with its reason', async () => {
    const body = await api.gql(
      'mutation { defineSegment(input: {name: "bad", conditions: {minRanks: {rfmMonetary: 6}}}) { name } }',
    );
    expect(body.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
      ['BAD_USER_INPUT', 'conditions.minRanks.rfmMonetary must be a rank from 1 to 5'],
    ]);
  });
});

describe('marketing pressure', () => {
  const patEmail = { type: 'email', value: 'pat@home.example' };
  beforeAll(async () => {
    const signup = (key: string, email: string) => ({
      id: `${key}-signup`,
      type: 'signup',
      occurredAt: ago(30),
      source: 'web',
      actor: {
        persona: { key, context: 'PERSONAL' },
        identifiers: [
          { type: 'email', value: email },
          { type: 'loyalty', value: 'pat-card' },
        ],
        authenticated: true,
      },
    });
    const sent = (id: string, key: string, days: number) => ({
      id,
      type: 'message_sent',
      occurredAt: ago(days),
      source: 'esp',
      purpose: 'news',
      actor: { persona: { key } },
    });
    await ingest(api, [
      signup('pat-home', 'pat@home.example'),
      signup('pat-shop', 'pat@shop.example'),
      sent('news-1', 'pat-home', 3),
      sent('news-2', 'pat-shop', 2),
      sent('news-3', 'pat-home', 1),
      sent('news-old', 'pat-home', 20),
    ]);
    await api.gql(
      'mutation { defineUseCase(input: {name: "news", scope: PERSON, contactTypes: ["email"], pressureCap: {max: 3, windowDays: 7}}) { name } }',
    );
  });

  it('counts the messages of a purpose over the whole person, and per persona', async () => {
    const { pressure } = dataOf(
      await api.gql<{ pressure: unknown }>(
        'query ($i: IdentifierInput!) { pressure(identifier: $i, purpose: "news", windowDays: 7) { sent personas { persona { key } sent } } }',
        { i: patEmail },
      ),
    );
    expect(pressure).toEqual({
      sent: 3,
      personas: [
        { persona: { key: 'pat-home' }, sent: 2 },
        { persona: { key: 'pat-shop' }, sent: 1 },
      ],
    });
  });

  it('says PRESSURE_CAP and when the next message is allowed: when the oldest counted one leaves the window', async () => {
    const { resolve } = dataOf(
      await api.gql<{ resolve: { suppressions: { code: string }[]; nextAllowedAt: string | null } }>(
        'query ($i: IdentifierInput!) { resolve(identifier: $i, useCase: "news") { suppressions { code } nextAllowedAt } }',
        { i: patEmail },
      ),
    );
    expect(resolve.suppressions).toEqual([{ code: 'PRESSURE_CAP' }]);
    const oldest = Date.parse(ago(3));
    expect(Math.abs(Date.parse(resolve.nextAllowedAt!) - (oldest + 7 * dayMs))).toBeLessThan(60_000);
  });
});

describe('digital profiles', () => {
  const facts = [
    { key: 'first_name', value: 'Alex' },
    { key: 'last_name', value: 'Doe' },
    { key: 'shoe_size', value: 42 },
  ];
  const act = (
    id: string,
    key: string,
    type: string,
    channel: string,
    extra: { device?: { id: string; kind: string }; granted?: boolean; facts?: boolean } = {},
  ) => ({
    id,
    type,
    channel,
    occurredAt: ago(5),
    source: 'web',
    actor: { persona: { key, context: 'PERSONAL' }, device: extra.device },
    consents:
      extra.granted === undefined
        ? undefined
        : [{ purpose: 'news', channel: 'EMAIL', granted: extra.granted }],
    facts: extra.facts ? facts : undefined,
  });
  const online = (who: string, shares: boolean, devices: [string, string][]) => [
    ...devices.map(([channel, kind], n) =>
      act(`${who}-login-${n}`, who, 'login', channel, {
        device: { id: `${who}-${kind}`, kind },
        ...(n === 0 && shares ? { granted: true, facts: true } : {}),
        ...(n === 0 && !shares && who.startsWith('guarded') ? { granted: false } : {}),
      }),
    ),
    act(`${who}-open`, who, 'email_open', 'EMAIL'),
  ];

  beforeAll(async () => {
    await ingest(api, [
      act('analog-visit', 'analog', 'purchase', 'STORE'),
      act('aspirant-visit', 'aspirant', 'purchase', 'STORE', { granted: true, facts: true }),
      // One device kind, web and email, three logins: sophistication (1/3 + 2/3 + 0 + 1) / 4 = 0.5.
      ...online('mainstream', true, [
        ['WEB', 'PHONE'],
        ['WEB', 'PHONE'],
        ['WEB', 'PHONE'],
      ]),
      ...online('nomad', false, [
        ['WEB', 'PHONE'],
        ['WEB', 'PHONE'],
        ['WEB', 'PHONE'],
      ]),
      // Three device kinds, web, app and email, three logins: sophistication 1.
      ...online('chameleon', true, [
        ['WEB', 'LAPTOP'],
        ['APP', 'PHONE'],
        ['WEB', 'TABLET'],
      ]),
      ...online('guarded', false, [
        ['WEB', 'LAPTOP'],
        ['APP', 'PHONE'],
        ['WEB', 'TABLET'],
      ]),
    ]);
  });

  it('places each of six customers in its group, from both dimensions computed by hand', async () => {
    const profileOf = async (key: string) =>
      dataOf(
        await api.gql<{ persona: { person: { digitalProfile: Record<string, unknown> } } }>(
          `query ($k: String!) { persona(key: $k) { person { digitalProfile {
             group sophistication willingnessToShare preferredChannel preferredDevice } } } }`,
          { k: key },
        ),
      ).persona.person.digitalProfile;
    // Willingness: (consents granted share + facts volunteered / 3 + questions answered share) / 3.
    expect(await profileOf('analog')).toEqual({
      group: 'ANALOG',
      sophistication: 0,
      willingnessToShare: 0,
      preferredChannel: 'STORE',
      preferredDevice: null,
    });
    expect(await profileOf('aspirant')).toMatchObject({
      group: 'ASPIRANT',
      sophistication: 0,
      willingnessToShare: 0.67,
    });
    expect(await profileOf('mainstream')).toEqual({
      group: 'MAINSTREAM',
      sophistication: 0.5,
      willingnessToShare: 0.67,
      preferredChannel: 'WEB',
      preferredDevice: 'PHONE',
    });
    expect(await profileOf('nomad')).toMatchObject({
      group: 'NOMAD',
      sophistication: 0.5,
      willingnessToShare: 0,
    });
    expect(await profileOf('chameleon')).toEqual({
      group: 'CHAMELEON',
      sophistication: 1,
      willingnessToShare: 0.67,
      preferredChannel: 'WEB',
      preferredDevice: 'LAPTOP',
    });
    expect(await profileOf('guarded')).toMatchObject({
      group: 'GUARDED',
      sophistication: 1,
      willingnessToShare: 0,
    });
  });
  it('prefers the channel and device a customer said it prefers to the ones its behaviour shows', async () => {
    // Everything it did came through the web on a phone; then it answered two questions.
    await ingest(api, [
      act('stated-login', 'stated', 'login', 'WEB', { device: { id: 'stated-phone', kind: 'PHONE' } }),
      {
        ...act('stated-answers', 'stated', 'profile_updated', 'WEB'),
        facts: [
          { key: 'preferred_channel', value: 'email', method: 'DIRECT' },
          { key: 'preferred_device', value: 'Tablet', method: 'DIRECT' },
        ],
      },
      act('behaves-login', 'behaves', 'login', 'WEB', { device: { id: 'behaves-phone', kind: 'PHONE' } }),
      // Not an answer: a channel nobody has.
      {
        ...act('behaves-answer', 'behaves', 'profile_updated', 'WEB'),
        facts: [{ key: 'preferred_channel', value: 'carrier pigeon', method: 'DIRECT' }],
      },
    ]);
    const profileOf = async (key: string) =>
      dataOf(
        await api.gql<{
          persona: { person: { digitalProfile: { reasons: string[]; preferredChannel: string } } };
        }>(
          `query ($k: String!) { persona(key: $k) { person { digitalProfile {
             preferredChannel preferredDevice reasons } } } }`,
          { k: key },
        ),
      ).persona.person.digitalProfile;
    const stated = await profileOf('stated');
    expect(stated).toMatchObject({ preferredChannel: 'EMAIL', preferredDevice: 'TABLET' });
    expect(stated.reasons.slice(-2)).toEqual(['prefers EMAIL: said so', 'uses TABLET: said so']);
    const behaves = await profileOf('behaves');
    expect(behaves).toMatchObject({ preferredChannel: 'WEB', preferredDevice: 'PHONE' });
    expect(behaves.reasons.slice(-2)).toEqual([
      'prefers WEB: most of its events came through it',
      'uses PHONE: most of its events came from it',
    ]);
  });
  it('tells subscribers when a scoring run moves a person to another digital group, and only then', async () => {
    const personOf = async (key: string) =>
      dataOf(
        await api.gql<{ persona: { person: { id: string } } }>(
          'query ($k: String!) { persona(key: $k) { person { id } } }',
          { k: key },
        ),
      ).persona.person.id;
    const groupChangesAfter = async (after: string) =>
      dataOf(
        await api.gql<{
          changes: { nodes: { personIds: string[]; data: { before: string | null; after: string } }[] };
        }>(
          'query ($after: String) { changes(after: $after, first: 1000, types: [DIGITAL_GROUP_CHANGED]) { nodes { personIds data } } }',
          { after },
        ),
      ).changes.nodes;
    const keys = ['analog', 'aspirant', 'mainstream', 'nomad', 'chameleon', 'guarded'];
    const persons = new Map(await Promise.all(keys.map(async (k) => [await personOf(k), k] as const)));

    // The feed's end before a scoring run, and what the run says it moved.
    const scoreFrom = async () => {
      const cursor = dataOf(
        await api.gql<{ latestChangeCursor: string }>('{ latestChangeCursor }'),
      ).latestChangeCursor;
      const run = dataOf(
        await api.gql<{ computeScores: { groupsChanged: number } }>(
          'mutation { computeScores { groupsChanged } }',
        ),
      ).computeScores;
      return { cursor, groupsChanged: run.groupsChanged };
    };
    const first = await scoreFrom();
    const firstGroups = (await groupChangesAfter(first.cursor)).filter((c) => persons.has(c.personIds[0]!));
    expect(
      Object.fromEntries(
        firstGroups.map((c) => [persons.get(c.personIds[0]!), [c.data.before, c.data.after]]),
      ),
    ).toEqual({
      analog: [null, 'ANALOG'],
      aspirant: [null, 'ASPIRANT'],
      mainstream: [null, 'MAINSTREAM'],
      nomad: [null, 'NOMAD'],
      chameleon: [null, 'CHAMELEON'],
      guarded: [null, 'GUARDED'],
    });
    expect(first.groupsChanged).toBeGreaterThanOrEqual(6);

    // The analog customer grants a consent and volunteers three facts: willingness (1 + 1 + 0) / 3.
    await ingest(api, [
      act('analog-opens-up', 'analog', 'purchase', 'STORE', { granted: true, facts: true }),
    ]);
    const second = await scoreFrom();
    expect(second.groupsChanged).toBe(1);
    const moved = await groupChangesAfter(second.cursor);
    expect(moved.map((c) => [persons.get(c.personIds[0]!), c.data.before, c.data.after])).toEqual([
      ['analog', 'ANALOG', 'ASPIRANT'],
    ]);
  });
});

describe('the demo', () => {
  it('scores the demo and finds Acme, who clicked the winter freight offer, among the engaged shippers', async () => {
    await loadDemoData(api.db.graph, api.config, () => {}, { prefix: 'eng-demo', phones: demoPhones() });
    await computeScores();
    const { segment } = dataOf(
      await api.gql<{ segment: { count: number; members: { edges: { node: { key: string } }[] } } }>(
        '{ segment(name: "eng-demo-engaged-shippers") { count members(first: 10) { edges { node { key } } } } }',
      ),
    );
    expect(segment.members.edges.map((e) => e.node.key)).toContain('eng-demo:shipping:acme-logistics');
    expect(segment.count).toBe(segment.members.edges.length);
  });
});
