// Customer knowledge from the customer's side, through GraphQL on the real database: codes that gain
// their meaning later, questions asked in the right order and not too often, completeness, and texts
// that never show a raw hole.
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { dataOf, INGEST, type IngestResult } from '../helpers/operations.js';

let api: TestApi;
const tag = uniqueTag('profile');
// Fact keys, questions and terms are global: this file's own are named after its tag.
const k = (name: string) => `${name}_${tag.replace(/-/g, '_')}`;
const at = (day: number, hour = 9) => new Date(Date.UTC(2026, 5, day, hour)).toISOString();
const keys = 'admin-key=admin,reader-key=read,nurse-key=read+pii';

beforeAll(async () => {
  api = await startTestApi({ API_KEYS: keys });
});
afterAll(async () => {
  await api.close();
});

async function call<T = Record<string, unknown>>(query: string, variables = {}, key = 'admin-key') {
  return dataOf(await api.gql<T>(query, variables, { key }));
}

async function failure(query: string, variables = {}, key = 'admin-key') {
  const body = await api.gql(query, variables, { key });
  expect(body.errors).toHaveLength(1);
  return { code: body.errors![0]!.extensions?.code, message: body.errors![0]!.message };
}

const ingest = async (events: unknown[]) => (await call<{ ingest: IngestResult }>(INGEST, { events })).ingest;

const NEXT = /* GraphQL */ `
  query ($identifier: IdentifierInput!, $useCase: String!, $first: Int, $at: DateTime) {
    nextQuestions(identifier: $identifier, useCase: $useCase, first: $first, at: $at) {
      question {
        key
        factKey
        text
        options
        valueExchange
        after {
          question
          answers
        }
      }
      reason
      neededBy
    }
  }
`;
type Next = { question: { key: string; valueExchange: string | null }; reason: string; neededBy: number };
const next = async (email: string, useCase: string, at?: string) =>
  (
    await call<{ nextQuestions: Next[] }>(NEXT, {
      identifier: { type: 'email', value: email },
      useCase,
      first: 5,
      at,
    })
  ).nextQuestions;

const define = (mutation: string, input: Record<string, unknown>, key = 'admin-key') =>
  api.gql(
    `mutation ($input: ${inputOf[mutation]}!) { ${mutation}(input: $input) { __typename } }`,
    { input },
    { key },
  );
const inputOf: Record<string, string> = {
  defineTerm: 'TermDefinitionInput',
  defineCampaign: 'CampaignInput',
  defineAsset: 'AssetInput',
  defineFactKey: 'FactKeyInput',
  defineQuestion: 'QuestionInput',
  defineUseCase: 'UseCaseInput',
};
const defineAll = async (mutation: string, inputs: Record<string, unknown>[]) => {
  for (const input of inputs) dataOf(await define(mutation, input));
};

const signup = (id: string, persona: string, email: string, extra: Record<string, unknown> = {}) => ({
  id: `${tag}-${id}`,
  type: 'signup',
  occurredAt: at(1),
  source: 'web',
  channel: 'WEB',
  actor: {
    persona: { key: `${tag}:${persona}`, context: 'BUSINESS' },
    identifiers: [{ type: 'email', value: email }],
    authenticated: true,
  },
  ...extra,
});

describe('the logistics company, profiled step by step', () => {
  const email = `ops@logistics.${tag}.example`;
  const useCase = `${tag}-logistics-news`;

  beforeAll(async () => {
    await defineAll('defineFactKey', [
      { key: k('interests'), type: 'LIST', allowedValues: ['shipping', 'warehousing', 'customs'] },
      { key: k('shipping'), type: 'ENUM', allowedValues: ['parcels', 'pallets', 'freight'] },
      { key: k('freight_tonnes'), type: 'NUMBER', label: 'Freight a month, in tonnes' },
    ]);
    await defineAll('defineQuestion', [
      {
        key: k('q_interests'),
        factKey: k('interests'),
        text: 'What are you interested in?',
        options: ['shipping', 'warehousing', 'customs'],
        valueExchange: 'Tell us your interests and get 10% off your next shipment',
      },
      {
        key: k('q_shipping'),
        factKey: k('shipping'),
        text: 'What do you ship?',
        options: ['parcels', 'pallets', 'freight'],
        after: { question: k('q_interests'), answers: ['shipping'] },
      },
      {
        key: k('q_freight'),
        factKey: k('freight_tonnes'),
        text: 'How many tonnes of freight do you ship a month?',
        after: { question: k('q_shipping'), answers: ['freight'] },
      },
    ]);
    dataOf(
      await define('defineUseCase', {
        name: useCase,
        scope: 'PERSONA',
        contactTypes: ['email'],
        requiredFacts: [k('interests'), k('shipping'), k('freight_tonnes')],
      }),
    );
    await ingest([signup('logistics-signup', 'logistics', email)]);
  });

  const answer = (id: string, day: number, question: string, value: unknown) => ({
    ...signup(id, 'logistics', email),
    type: 'form_submit',
    occurredAt: at(day),
    answers: [{ question: k(question), value }],
  });

  it('asks about interests first, with the value exchange, and nothing about freight yet', async () => {
    const asked = await next(email, useCase);
    expect(asked).toEqual([
      {
        question: expect.objectContaining({
          key: k('q_interests'),
          valueExchange: 'Tell us your interests and get 10% off your next shipment',
        }),
        reason: `${useCase} needs ${k('interests')}, not known for ${tag}:logistics`,
        neededBy: 1,
      },
    ]);
  });

  it('asks what they ship once they answered "shipping", and about freight only after "freight"', async () => {
    expect((await ingest([answer('answer-interests', 2, 'q_interests', ['shipping'])])).accepted).toBe(1);
    expect((await next(email, useCase)).map((q) => [q.question.key, q.reason])).toEqual([
      [
        k('q_shipping'),
        `${useCase} needs ${k('shipping')}, not known for ${tag}:logistics; follows up ${k('q_interests')}, answered shipping`,
      ],
    ]);
    await ingest([answer('answer-shipping', 3, 'q_shipping', 'freight')]);
    expect((await next(email, useCase)).map((q) => q.question.key)).toEqual([k('q_freight')]);
    await ingest([answer('answer-freight', 4, 'q_freight', 40)]);
    expect(await next(email, useCase)).toEqual([]);
  });

  it('keeps each answer on its event and as a DIRECT fact', async () => {
    const { event } = await call<{ event: { asked: string[]; answers: unknown[] } }>(
      `{ event(id: "${tag}-answer-shipping") { asked answers { question value } } }`,
    );
    expect(event).toEqual({ asked: [], answers: [{ question: k('q_shipping'), value: 'freight' }] });
    const { resolve } = await call<{ resolve: { facts: unknown[] } }>(
      `query ($e: String!) { resolve(identifier: {type: "email", value: $e}, useCase: "${useCase}") { facts { key value method } } }`,
      { e: email },
    );
    expect(resolve.facts).toEqual([
      { key: k('freight_tonnes'), value: 40, method: 'DIRECT' },
      { key: k('interests'), value: ['shipping'], method: 'DIRECT' },
      { key: k('shipping'), value: 'freight', method: 'DIRECT' },
    ]);
  });

  it('never unlocks the freight questions for a company interested in warehousing', async () => {
    const other = `ops@warehouse.${tag}.example`;
    await ingest([
      {
        ...signup('warehouse-signup', 'warehouse', other),
        answers: [{ question: k('q_interests'), value: ['warehousing'] }],
      },
    ]);
    expect(await next(other, useCase)).toEqual([]);
  });
});

describe('the mechanical-engineer job alert', () => {
  const email = `julia@home.${tag}.example`;
  const useCase = `${tag}-job-alerts`;

  beforeAll(async () => {
    await defineAll('defineFactKey', [{ key: k('job_title'), type: 'STRING', label: 'Job title' }]);
    await defineAll('defineQuestion', [
      {
        key: k('q_job_title'),
        factKey: k('job_title'),
        text: 'What is your current job title?',
        cooldownDays: 30,
      },
    ]);
    dataOf(
      await define('defineUseCase', {
        name: useCase,
        scope: 'PERSONA',
        contactTypes: ['email'],
        requiredFacts: ['job_interest', k('job_title')],
      }),
    );
    await ingest([
      signup('julia-signup', 'julia', email, {
        facts: [{ key: 'job_interest', value: 'mechanical engineer' }],
      }),
    ]);
  });

  it('asks for the job title once, not again inside the cooldown, and again after it', async () => {
    expect((await next(email, useCase, at(2))).map((q) => q.question.key)).toEqual([k('q_job_title')]);
    // The alert email puts the question; the event names only the address it went to.
    const sent = await ingest([
      {
        id: `${tag}-alert-1`,
        type: 'message_sent',
        occurredAt: at(3),
        source: 'mailer',
        channel: 'EMAIL',
        purpose: 'job-alerts',
        actor: { identifiers: [{ type: 'email', value: email }] },
        asked: [k('q_job_title')],
      },
    ]);
    expect(sent.accepted).toBe(1);
    expect(await next(email, useCase, at(4))).toEqual([]);
    expect(await next(email, useCase, at(32))).toEqual([]);
    const again = await next(email, useCase, at(34));
    expect(again.map((q) => [q.question.key, q.reason])).toEqual([
      [
        k('q_job_title'),
        `${useCase} needs ${k('job_title')}, not known for ${tag}:julia; last asked ${at(3)}`,
      ],
    ]);
  });
});

describe('a call logged with its reason, sentiment and outcome', () => {
  it('answers with the terms and their labels', async () => {
    await defineAll('defineTerm', [
      { vocabulary: 'call-reason', key: `billing-${tag}`, label: 'Billing question' },
      { vocabulary: 'sentiment', key: `negative-${tag}`, label: 'Negative' },
      { vocabulary: 'outcome', key: `resolved-${tag}`, label: 'Resolved on the call' },
    ]);
    const result = await ingest([
      {
        ...signup('call', 'caller', `caller@${tag}.example`),
        type: 'call',
        channel: 'PHONE',
        source: 'call-center',
        terms: [
          { vocabulary: 'call-reason', key: `billing-${tag}` },
          { vocabulary: 'sentiment', key: `negative-${tag}` },
          { vocabulary: 'outcome', key: `resolved-${tag}` },
        ],
      },
    ]);
    expect(result).toMatchObject({ accepted: 1, unmapped: [] });
    const { event } = await call<{ event: { terms: unknown[] } }>(
      `{ event(id: "${tag}-call") { type terms { vocabulary key label } } }`,
    );
    expect(event).toEqual({
      type: 'call',
      terms: [
        { vocabulary: 'call-reason', key: `billing-${tag}`, label: 'Billing question' },
        { vocabulary: 'outcome', key: `resolved-${tag}`, label: 'Resolved on the call' },
        { vocabulary: 'sentiment', key: `negative-${tag}`, label: 'Negative' },
      ],
    });
  });
});

describe('an unknown campaign code', () => {
  const code = `C12DHE33-${tag}`;
  const image = `duwe3n4nudd9-${tag}`;
  const EVENT = `{ event(id: "${tag}-click-1") { campaign { code name channel topics { key label broader { key } } } asset { code name campaign { code } } } }`;

  it('is listed with counts, mapped, and then decoded on the old events', async () => {
    const clicks = [1, 2].map((n) => ({
      ...signup(`click-${n}`, 'reader', `reader@${tag}.example`),
      type: 'email_click',
      occurredAt: at(n + 4),
      campaign: code,
      asset: image,
    }));
    const byKind = (a: { kind: string }, b: { kind: string }) => a.kind.localeCompare(b.kind);
    expect((await ingest(clicks)).unmapped.sort(byKind)).toEqual([
      { kind: 'asset', code: image },
      { kind: 'campaign', code },
    ]);
    const { unmapped } = await call<{ unmapped: { code: string }[] }>(
      `{ unmapped(first: 1000) { kind code count firstSeen lastSeen } }`,
    );
    expect(unmapped.filter((u) => u.code === code || u.code === image)).toEqual([
      { kind: 'asset', code: image, count: 2, firstSeen: at(5), lastSeen: at(6) },
      { kind: 'campaign', code, count: 2, firstSeen: at(5), lastSeen: at(6) },
    ]);
    expect((await call<{ event: unknown }>(EVENT)).event).toEqual({
      campaign: { code, name: null, channel: null, topics: [] },
      asset: { code: image, name: null, campaign: null },
    });

    const { latestChangeCursor } = await call<{ latestChangeCursor: string }>(`{ latestChangeCursor }`);
    await defineAll('defineTerm', [
      { vocabulary: 'topic', key: `shipping-${tag}`, label: 'Shipping' },
      { vocabulary: 'topic', key: `freight-${tag}`, label: 'Freight', broader: `shipping-${tag}` },
    ]);
    await defineAll('defineCampaign', [
      { code, name: 'Winter freight offer', channel: 'EMAIL', topics: [`freight-${tag}`] },
    ]);
    await defineAll('defineAsset', [{ code: image, name: 'Container ship banner', campaign: code }]);

    expect((await call<{ event: unknown }>(EVENT)).event).toEqual({
      campaign: {
        code,
        name: 'Winter freight offer',
        channel: 'EMAIL',
        topics: [{ key: `freight-${tag}`, label: 'Freight', broader: { key: `shipping-${tag}` } }],
      },
      asset: { code: image, name: 'Container ship banner', campaign: { code } },
    });
    const after = await call<{ unmapped: { code: string }[] }>(`{ unmapped(first: 1000) { code } }`);
    expect(after.unmapped.filter((u) => u.code === code || u.code === image)).toEqual([]);

    const { changes } = await call<{ changes: { nodes: { type: string; data: unknown }[] } }>(
      `query ($after: String) { changes(after: $after, types: [MAPPING_ADDED], first: 1000) { nodes { type data } } }`,
      { after: latestChangeCursor },
    );
    expect(changes.nodes.filter((c) => JSON.stringify(c.data).includes(tag))).toEqual([
      {
        type: 'MAPPING_ADDED',
        data: { event: null, action: 'defineTerm', kind: 'topic', code: `shipping-${tag}`, remapped: false },
      },
      {
        type: 'MAPPING_ADDED',
        data: { event: null, action: 'defineTerm', kind: 'topic', code: `freight-${tag}`, remapped: false },
      },
      {
        type: 'MAPPING_ADDED',
        data: { event: null, action: 'defineCampaign', kind: 'campaign', code, remapped: false },
      },
      {
        type: 'MAPPING_ADDED',
        data: { event: null, action: 'defineAsset', kind: 'asset', code: image, remapped: false },
      },
    ]);
  });
});

describe('completeness', () => {
  it('scores identity, contactability and traceability with what is missing', async () => {
    const email = `ada@complete.${tag}.example`;
    const useCase = `${tag}-newsletter`;
    dataOf(
      await define('defineUseCase', {
        name: useCase,
        scope: 'PERSONA',
        contactTypes: ['email', 'phone'],
        consentPurpose: 'newsletter',
      }),
    );
    await ingest([
      {
        ...signup('ada-signup', 'ada', email),
        actor: {
          persona: { key: `${tag}:ada`, context: 'PERSONAL' },
          identifiers: [
            { type: 'email', value: email },
            { type: 'account', value: `${tag}-ada-account` },
          ],
          authenticated: true,
        },
        facts: [{ key: 'first_name', value: 'Ada' }],
        consents: [{ purpose: 'newsletter', channel: 'EMAIL', granted: true }],
      },
      { ...signup('ada-purchase', 'ada', email), type: 'purchase', occurredAt: at(3) },
    ]);
    const { completeness } = await call<{ completeness: unknown }>(
      `query ($e: String!, $at: DateTime) { completeness(identifier: {type: "email", value: $e}, useCase: "${useCase}", at: $at) {
         identity { score missing } contactability { score missing } traceability { score missing } } }`,
      { e: email, at: at(13) },
    );
    expect(completeness).toEqual({
      identity: { score: 0.5, missing: ['fact:last_name', 'fact:birth_date'] },
      contactability: { score: 0.5, missing: ['contact:phone', 'consent:phone'] },
      traceability: { score: 0.75, missing: ['events:visit'] },
    });
    const later = await call<{ completeness: { traceability: unknown } }>(
      `query ($e: String!) { completeness(identifier: {type: "email", value: $e}, at: "2027-01-01T00:00:00Z") { traceability { score missing } } }`,
      { e: email },
    );
    expect(later.completeness.traceability).toEqual({
      score: 0.5,
      missing: ['events:visit', 'events:last-90-days'],
    });
  });
});

describe('safe personalization', () => {
  const known = `grace@render.${tag}.example`;
  const unknownName = `anon@render.${tag}.example`;
  const useCase = `${tag}-letters`;
  const RENDER = /* GraphQL */ `
    query ($template: String!, $email: String!, $useCase: String!) {
      render(template: $template, identifier: { type: "email", value: $email }, useCase: $useCase) {
        text
        missing
        refused
        resolution {
          contact {
            type
          }
          suppressions {
            code
          }
        }
      }
    }
  `;
  const render = async (template: string, email: string, key = 'admin-key', name = useCase) =>
    (await call<{ render: Record<string, unknown> }>(RENDER, { template, email, useCase: name }, key)).render;

  beforeAll(async () => {
    dataOf(await define('defineUseCase', { name: useCase, scope: 'PERSONA', contactTypes: ['email'] }));
    await ingest([
      signup('grace', 'grace', known, {
        facts: [
          { key: 'first_name', value: 'Grace' },
          { key: 'allergy', value: 'peanuts' },
        ],
      }),
      signup('anon', 'anon', unknownName),
    ]);
  });

  it('renders "Dear {{first_name|customer}}" with the name, and with the fallback when none is known', async () => {
    expect(await render('Dear {{first_name|customer}},', known)).toEqual({
      text: 'Dear Grace,',
      missing: [],
      refused: null,
      resolution: { contact: { type: 'email' }, suppressions: [] },
    });
    expect(await render('Dear {{first_name|customer}},', unknownName)).toMatchObject({
      text: 'Dear customer,',
      missing: ['first_name'],
      refused: null,
    });
  });

  it('refuses a bare hole with no value, naming it', async () => {
    expect(await render('Dear {{ first_name }},', unknownName)).toMatchObject({
      text: null,
      missing: ['first_name'],
      refused: 'no value and no fallback for {{first_name}}: write {{first_name|…}} with a fallback',
    });
  });

  it('refuses a sensitive fact for a caller without pii and renders it for one with pii', async () => {
    const template = 'Note: {{allergy|none}}';
    expect(await render(template, known, 'reader-key')).toMatchObject({
      text: null,
      refused: '{{allergy}} is a sensitive fact: rendering it needs the pii role',
    });
    expect(await render(template, known, 'nurse-key')).toMatchObject({
      text: 'Note: peanuts',
      refused: null,
    });
  });

  it('refuses when the use case allows no contact: consent still applies', async () => {
    const consented = `${tag}-consented-letters`;
    dataOf(
      await define('defineUseCase', {
        name: consented,
        scope: 'PERSONA',
        contactTypes: ['email'],
        consentPurpose: 'letters',
      }),
    );
    expect(await render('Dear {{first_name|customer}}', known, 'admin-key', consented)).toMatchObject({
      text: null,
      refused: expect.stringMatching(/^the resolution allows no contact for .*: NO_CONSENT/),
      resolution: { contact: null, suppressions: [{ code: 'NO_CONSENT' }] },
    });
  });
});

describe('bad input gets a clear error and changes nothing', () => {
  const RENDER = `query ($t: String!) { render(template: $t, identifier: {type: "email", value: "x@${tag}.example"}, useCase: "${tag}-letters") { text } }`;

  it('refuses a template of 1 MB', async () => {
    expect(await failure(RENDER, { t: `Dear {{first_name|customer}} ${'x'.repeat(1_000_000)}` })).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'template: the template has 1000029 characters; at most 10000 are allowed',
    });
  });

  it('refuses unbalanced braces, saying where', async () => {
    expect(await failure(RENDER, { t: 'Dear {{first_name|customer}, welcome' })).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'template: unbalanced braces: "{{" at character 5 is never closed',
    });
    expect(await failure(RENDER, { t: 'Dear first_name}}' })).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'template: unbalanced braces: "}}" at character 15 closes no "{{"',
    });
  });

  it('refuses a follow-up that loops back to the question itself and keeps the registry as it was', async () => {
    await defineAll('defineFactKey', [{ key: k('loop'), type: 'STRING' }]);
    await defineAll('defineQuestion', [
      { key: k('q_a'), factKey: k('loop'), text: 'A?' },
      { key: k('q_b'), factKey: k('loop'), text: 'B?', after: { question: k('q_a') } },
    ]);
    const looping = await define('defineQuestion', {
      key: k('q_a'),
      factKey: k('loop'),
      text: 'A again?',
      after: { question: k('q_b') },
    });
    expect(looping.errors?.[0]).toMatchObject({
      message: `after: following ${k('q_b')} leads back to ${k('q_a')}; a follow-up cannot loop`,
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const self = await define('defineQuestion', {
      key: k('q_c'),
      factKey: k('loop'),
      text: 'C?',
      after: { question: k('q_c') },
    });
    expect(self.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const { questions } = await call<{ questions: { key: string }[] }>(
      `{ questions { key text after { question } } }`,
    );
    expect(questions.filter((q) => [k('q_a'), k('q_b'), k('q_c')].includes(q.key))).toEqual([
      { key: k('q_a'), text: 'A?', after: null },
      { key: k('q_b'), text: 'B?', after: { question: k('q_a') } },
    ]);
  });

  it('rejects an event whose fact value has the wrong type, with its index, and stores the rest', async () => {
    await defineAll('defineFactKey', [{ key: k('tonnes'), type: 'NUMBER' }]);
    const result = await ingest([
      signup('typed-good', 'typed', `typed@${tag}.example`, { facts: [{ key: k('tonnes'), value: 12 }] }),
      signup('typed-bad', 'typed', `typed@${tag}.example`, { facts: [{ key: k('tonnes'), value: 'lots' }] }),
    ]);
    expect(result).toMatchObject({
      accepted: 1,
      rejected: [
        {
          index: 1,
          id: `${tag}-typed-bad`,
          code: 'INVALID_FACT',
          message: `facts[0].value: ${k('tonnes')} expects a number, not "lots"`,
        },
      ],
    });
    const { event, persona } = await call<{ event: unknown; persona: { facts: unknown[] } }>(
      `{ event(id: "${tag}-typed-bad") { id } persona(key: "${tag}:typed") { facts { key value } } }`,
    );
    expect(event).toBeNull();
    expect(persona.facts).toEqual([{ key: k('tonnes'), value: 12 }]);
  });

  it('refuses an ENUM fact key without allowed values and a campaign with an unknown topic', async () => {
    expect((await define('defineFactKey', { key: k('e'), type: 'ENUM' })).errors?.[0]).toMatchObject({
      message: 'an ENUM fact key needs allowedValues',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(
      (await define('defineCampaign', { code: `X-${tag}`, name: 'X', topics: [`nowhere-${tag}`] }))
        .errors?.[0],
    ).toMatchObject({
      message: `topics: no term nowhere-${tag} in vocabulary topic; define them first`,
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});
