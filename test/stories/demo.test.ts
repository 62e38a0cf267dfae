// The demo dataset tells the six stories, and the example queries of the README and docs/use-cases.md answer as documented.
import { loadDemoData } from '../../src/cli/demo-data.js';
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { demoPhones, resolve } from '../helpers/operations.js';

let api: TestApi;
const prefix = uniqueTag('demo');
const phones = demoPhones();

beforeAll(async () => {
  api = await startTestApi();
  await loadDemoData(api.db.graph, api.config, () => {}, { prefix, phones });
});
afterAll(async () => {
  await api.close();
});

describe('the demo dataset', () => {
  it('loads every story and ignores only the placeholder phone number', async () => {
    const again = await loadDemoData(api.db.graph, api.config, () => {}, { prefix, phones });
    expect(again).toMatchObject({ accepted: 0, duplicates: 30, rejected: [] });
    expect(again.ignored.map((i) => i.value)).toEqual(['0000000000']);
  });

  it('routes the side-business promotion to the side-business email (README example)', async () => {
    const r = await resolve(
      api,
      { type: 'email', value: `joe@office.${prefix}.example` },
      `${prefix}-side-promo`,
    );
    expect(r.contact?.value).toBe(`joe@side-hustle.${prefix}.example`);
  });

  it("sends Julia's job offers only to her personal address (README example)", async () => {
    const work = await resolve(
      api,
      { type: 'email', value: `julia@corp.${prefix}.example` },
      `${prefix}-job-alerts`,
    );
    const home = await resolve(
      api,
      { type: 'email', value: `julia@home.${prefix}.example` },
      `${prefix}-job-alerts`,
    );
    expect(work.contact).toBeNull();
    expect(home.contact?.value).toBe(`julia@home.${prefix}.example`);
  });

  it('sends the recycled number’s reminders to Omar now, and to Ruth as of March (docs/use-cases.md example)', async () => {
    const number = { type: 'phone', value: phones[5] };
    const query = `query ($i: IdentifierInput!, $at: DateTime) {
      resolve(identifier: $i, useCase: "${prefix}-appointment-reminder", at: $at) { personas { key } } }`;
    const now = await api.gql<{ resolve: { personas: { key: string }[] } }>(query, { i: number });
    const march = await api.gql<{ resolve: { personas: { key: string }[] } }>(query, {
      i: number,
      at: '2026-03-03T10:00:00Z',
    });
    expect(now.data?.resolve.personas).toEqual([{ key: `${prefix}:dentist:omar` }]);
    expect(march.data?.resolve.personas).toEqual([{ key: `${prefix}:dentist:ruth` }]);
  });

  it("shows Sam's allergy from the other account (README example)", async () => {
    const r = await resolve(
      api,
      { type: 'email', value: `sam.b@mail.${prefix}.example` },
      `${prefix}-order-preparation`,
    );
    expect(r.facts.map((f) => [f.key, f.value])).toEqual([['allergy', 'peanuts']]);
  });

  it('sends the trip reminder to the guest email and the code to the shared 2FA phone', async () => {
    const trip = await resolve(
      api,
      { type: 'email', value: `anne.personal@mail.${prefix}.example` },
      `${prefix}-trip-reminder`,
    );
    expect(trip.contact?.value).toBe(`anne.personal@mail.${prefix}.example`);
    const code = await resolve(api, { type: 'phone', value: phones[3] }, `${prefix}-two-factor`);
    expect(code.contact?.type).toBe('phone');
    const notice = await resolve(api, { type: 'phone', value: phones[3] }, `${prefix}-client-notice`);
    expect(notice.suppressions.map((s) => s.code)).toEqual(['AMBIGUOUS']);
  });
});

describe('the demo dataset: customer knowledge (docs/use-cases.md examples)', () => {
  const email = (local: string, domain: string) => ({
    type: 'email',
    value: `${local}@${domain}.${prefix}.example`,
  });
  const news = `${prefix}-logistics-news`;
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}) => {
    const body = await api.gql<T>(query, variables);
    if (body.errors?.length || !body.data) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const NEXT = /* GraphQL */ `
    query ($identifier: IdentifierInput!, $useCase: String!, $at: DateTime) {
      nextQuestions(identifier: $identifier, useCase: $useCase, first: 5, at: $at) {
        question {
          key
          valueExchange
        }
      }
    }
  `;
  const next = async (identifier: unknown, useCase: string, at?: string) =>
    (
      await gql<{ nextQuestions: { question: { key: string; valueExchange: string | null } }[] }>(NEXT, {
        identifier,
        useCase,
        at,
      })
    ).nextQuestions.map((q) => q.question);

  it('asks North Freight about interests first and Acme, who answered "shipping", what it ships', async () => {
    expect(await next(email('ops', 'north-freight'), news)).toEqual([
      { key: 'interests', valueExchange: 'Tell us your interests and get 10% off your next shipment' },
    ]);
    expect(await next(email('ops', 'acme-logistics'), news)).toEqual([
      { key: 'shipping_mode', valueExchange: null },
    ]);
  });

  it("does not ask Julia's job title again inside its cooldown", async () => {
    const alerts = `${prefix}-job-alerts`;
    expect(await next(email('julia', 'home'), alerts, '2026-10-20T00:00:00Z')).toEqual([]);
    expect(await next(email('julia', 'home'), alerts, '2026-11-20T00:00:00Z')).toEqual([
      { key: 'job_title', valueExchange: null },
    ]);
  });

  it('shows the call with its reason, sentiment and outcome', async () => {
    const { event } = await gql<{ event: unknown }>(
      `{ event(id: "${prefix}-acme-call") { terms { vocabulary key label } } }`,
    );
    expect(event).toEqual({
      terms: [
        { vocabulary: 'call-reason', key: 'billing', label: 'Billing question' },
        { vocabulary: 'outcome', key: 'resolved', label: 'Resolved on the call' },
        { vocabulary: 'sentiment', key: 'negative', label: 'Negative' },
      ],
    });
  });

  it('lists the unknown campaign code, and decodes its old events once mapped', async () => {
    const code = `C12DHE33-${prefix}`;
    const { unmapped } = await gql<{ unmapped: { kind: string; code: string; count: number }[] }>(
      `{ unmapped(first: 1000) { kind code count } }`,
    );
    expect(unmapped.filter((u) => u.code.endsWith(prefix))).toEqual([
      { kind: 'campaign', code, count: 2 },
      { kind: 'asset', code: `duwe3n4nudd9-${prefix}`, count: 1 },
    ]);
    await gql(
      `mutation { defineCampaign(input: {code: "${code}", name: "Freight rates alert", channel: EMAIL, topics: ["freight"]}) { name } }`,
    );
    const { event } = await gql<{ event: unknown }>(
      `{ event(id: "${prefix}-acme-click-1") { campaign { code name topics { key broader { key } } } } }`,
    );
    expect(event).toEqual({
      campaign: {
        code,
        name: 'Freight rates alert',
        topics: [{ key: 'freight', broader: { key: 'shipping' } }],
      },
    });
  });

  it('renders "Dear {{first_name|customer}}," both ways and refuses the bare hole', async () => {
    const render = async (template: string, identifier: unknown) =>
      (
        await gql<{ render: unknown }>(
          `query ($t: String!, $i: IdentifierInput!) { render(template: $t, identifier: $i, useCase: "${news}") { text missing refused } }`,
          { t: template, i: identifier },
        )
      ).render;
    expect(await render('Dear {{first_name|customer}},', email('ops', 'acme-logistics'))).toEqual({
      text: 'Dear Lena,',
      missing: [],
      refused: null,
    });
    expect(await render('Dear {{first_name|customer}},', email('ops', 'north-freight'))).toEqual({
      text: 'Dear customer,',
      missing: ['first_name'],
      refused: null,
    });
    expect(await render('Dear {{first_name}},', email('ops', 'north-freight'))).toEqual({
      text: null,
      missing: ['first_name'],
      refused: 'no value and no fallback for {{first_name}}: write {{first_name|…}} with a fallback',
    });
  });

  it("scores Acme's completeness", async () => {
    const { completeness } = await gql<{ completeness: unknown }>(
      `query ($i: IdentifierInput!) { completeness(identifier: $i, useCase: "${news}", at: "2026-10-20T00:00:00Z") {
         identity { score missing } contactability { score missing } traceability { score missing } } }`,
      { i: email('ops', 'acme-logistics') },
    );
    expect(completeness).toEqual({
      identity: { score: 0.25, missing: ['fact:last_name', 'fact:birth_date', 'identifier:account'] },
      contactability: { score: 0.5, missing: ['consent:email'] },
      traceability: { score: 0.75, missing: ['events:visit'] },
    });
  });
});
