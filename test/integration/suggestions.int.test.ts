// Link suggestions through the API: a registry of generated people (bench/linkage's generator) plus
// three people each entered twice with a mistyped surname or given name and id, so exact evidence keeps
// every pair apart and the trained model suggests them. A suggestion explains its score field by field
// and adds up to it; SAME groups the pair with the review as the link's evidence, DIFFERENT keeps it
// from coming back, both reach the change feed; only an admin may see or decide; erasure takes a
// persona's suggestions with it. The model reads back as defined, untrained until a pass trains it,
// then with what training learned, and untrained again once redefined.
// On a database of its own (the matching model is one for the whole graph).
import { generateRecords, type LinkageRecord } from '../../bench/linkage/generate.js';
import { eventOf, idType, matchingModel, personaKey } from '../../bench/linkage/records.js';
import { jessicaWhitfield, twice } from '../helpers/linkage.js';
import { startTestApiOnQuietDatabase, uniqueTag, type TestApi } from '../helpers/api.js';
import { changeFields, type ChangeEvent } from '../helpers/changes.js';
import { dataOf, type ResolutionResult, RESOLVE } from '../helpers/operations.js';

const tag = uniqueTag('suggestions');
const keys = { admin: `adm-${tag}`, reader: `rdr-${tag}` };
/** How the API names a caller with an API key (src/access/auth.ts). */
const reviewer = `key:${keys.admin.slice(0, 4)}…`;

/** One person entered twice: the second time with a letter or two swapped and the id mistyped. */
const jessica = twice(910_001, jessicaWhitfield.record, jessicaWhitfield.typos);
const marcus = twice(
  910_002,
  {
    given_name: 'marcus',
    surname: 'okonkwo',
    street_number: '7',
    address_1: 'wattle grove',
    address_2: '',
    suburb: 'kiama',
    postcode: '2533',
    state: 'nsw',
    date_of_birth: '19790312',
    soc_sec_id: '9200001',
  },
  { surname: 'okonwko', soc_sec_id: '9200007' },
);
const priya = twice(
  910_003,
  {
    given_name: 'priyanka',
    surname: 'ramaswamy',
    street_number: '31',
    address_1: 'jacaranda avenue',
    address_2: '',
    suburb: 'bellingen',
    postcode: '2454',
    state: 'nsw',
    date_of_birth: '19911105',
    soc_sec_id: '9300001',
  },
  { given_name: 'priyanak', soc_sec_id: '9300011' },
);

interface Comparison {
  field: string;
  left: string | null;
  right: string | null;
  level: string;
  weight: number;
}
interface Suggestion {
  id: string;
  personas: { id: string; key: string; person: { id: string } | null }[];
  probability: number;
  matchWeight: number;
  comparisons: Comparison[];
  status: string;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reason: string | null;
}
const suggestionFields = /* GraphQL */ `
  id
  personas { id key person { id } }
  probability
  matchWeight
  comparisons { field left right level weight }
  status
  reviewedBy
  reviewedAt
  reason
`;
const SUGGESTIONS = /* GraphQL */ `
  query ($status: SuggestionStatus) {
    suggestions(first: 500, status: $status) { edges { node { ${suggestionFields} } } }
  }
`;
const REVIEW = /* GraphQL */ `
  mutation ($id: ID!, $verdict: Verdict!, $reason: String!) {
    reviewSuggestion(id: $id, verdict: $verdict, reason: $reason) { ${suggestionFields} }
  }
`;
const SUGGEST = /* GraphQL */ `
  mutation ($input: SuggestLinksInput) {
    suggestLinks(input: $input) {
      candidates
      suggested
    }
  }
`;
const matchingFields = /* GraphQL */ `
  fields { name fact identifierType comparator crossWith levels { label m u weight } }
  blocking
  threshold
  trainedAt
  priorMatchProbability
`;
const MATCHING = /* GraphQL */ `{ matching { ${matchingFields} } }`;
const DEFINE = /* GraphQL */ `
  mutation ($m: MatchingInput!) {
    defineMatching(input: $m) { ${matchingFields} }
  }
`;
interface Level {
  label: string;
  m: number | null;
  u: number | null;
  weight: number | null;
}
interface Matching {
  fields: {
    name: string;
    fact: string | null;
    identifierType: string | null;
    comparator: string;
    crossWith: string | null;
    levels: Level[];
  }[];
  blocking: string[][];
  threshold: number;
  trainedAt: string | null;
  priorMatchProbability: number | null;
}
/** The model this file defines, as the API shows it before training: every level's m, u and weight null. */
const untrained: Matching = {
  fields: matchingModel.fields.map((f) => ({
    name: f.name,
    fact: f.fact ?? null,
    identifierType: f.identifierType ?? null,
    comparator: f.comparator,
    crossWith: f.crossWith ?? null,
    levels: (f.crossWith
      ? ['exact', 'close', 'crossed', 'further', 'else', 'null']
      : ['exact', 'close', 'further', 'else', 'null']
    ).map((label) => ({ label, m: null, u: null, weight: null })),
  })),
  blocking: matchingModel.blocking,
  threshold: 0.9,
  trainedAt: null,
  priorMatchProbability: null,
};

const CHANGES = /* GraphQL */ `
  query ($after: String, $types: [ChangeType!] = [LINK_SUGGESTED, SUGGESTION_REVIEWED]) {
    changes(after: $after, first: 1000, types: $types) {
      edges {
        node {
          ...ChangeFields
        }
      }
    }
  }
  ${changeFields}
`;

let api: TestApi;
/** The change feed's end before the first suggestion pass. */
let before: string;
/** What the training pass kept. */
let firstRun: { candidates: number; suggested: number };
let firstOpen: Suggestion[];
/** Query.matching before defineMatching, what defineMatching answered, Query.matching after it and after training. */
let model: { beforeDefine: unknown; defined: Matching; untrained: Matching; trained: Matching };
/** When the training pass was asked for and when it answered. */
let training: { from: number; to: number };

const asAdmin = <T>(query: string, variables: Record<string, unknown> = {}) =>
  api.gql<T>(query, variables, { key: keys.admin }).then(dataOf);

const suggestions = async (status: string) =>
  (
    await asAdmin<{ suggestions: { edges: { node: Suggestion }[] } }>(SUGGESTIONS, { status })
  ).suggestions.edges.map((e) => e.node);

/** The suggestion between a person's two records, among these. */
function between(
  among: Suggestion[],
  [a, b]: readonly [LinkageRecord, LinkageRecord],
): Suggestion | undefined {
  const pair = [personaKey(a), personaKey(b)].sort().join('|');
  return among.find(
    (s) =>
      s.personas
        .map((p) => p.key)
        .sort()
        .join('|') === pair,
  );
}

/** A comparison as the pair's first persona (left) and second (right) see it. */
function compared(s: Suggestion, first: LinkageRecord, field: string, level: string, a: string, b: string) {
  return s.personas[0]!.key === personaKey(first)
    ? { field, left: a, right: b, level }
    : { field, left: b, right: a, level };
}

beforeAll(async () => {
  api = await startTestApiOnQuietDatabase({
    API_KEYS: `${keys.admin}=admin,${keys.reader}=read`,
    // The passes here are asked for; a background one after a review would race the assertions on
    // what is open (incremental scoring has a file of its own).
    MATCHING_INCREMENTAL_MS: '0',
  });
  await asAdmin('mutation ($t: IdentifierTypeInput!) { defineIdentifierType(input: $t) { name } }', {
    t: idType,
  });
  await asAdmin('mutation ($u: UseCaseInput!) { defineUseCase(input: $u) { name } }', {
    u: { name: `${tag}-registry`, scope: 'PERSON' },
  });
  const records = [...generateRecords({ records: 200, seed: 7 }), ...jessica, ...marcus, ...priya];
  const { ingest } = await asAdmin<{ ingest: { rejected: unknown[] } }>(
    'mutation ($events: [EventInput!]!) { ingest(events: $events) { rejected { index message } } }',
    { events: records.map(eventOf) },
  );
  expect(ingest.rejected).toEqual([]);
  const beforeDefine = (await asAdmin<{ matching: unknown }>(MATCHING)).matching;
  const { defineMatching: defined } = await asAdmin<{ defineMatching: Matching }>(DEFINE, {
    m: { ...matchingModel, threshold: 0.9 },
  });
  const readBack = (await asAdmin<{ matching: Matching }>(MATCHING)).matching;
  before = (await asAdmin<{ latestChangeCursor: string }>('{ latestChangeCursor }')).latestChangeCursor;
  const from = Date.now();
  firstRun = (
    await asAdmin<{ suggestLinks: { candidates: number; suggested: number } }>(SUGGEST, {
      input: { train: true },
    })
  ).suggestLinks;
  training = { from, to: Date.now() };
  model = {
    beforeDefine,
    defined,
    untrained: readBack,
    trained: (await asAdmin<{ matching: Matching }>(MATCHING)).matching,
  };
  firstOpen = await suggestions('OPEN');
}, 180_000);
afterAll(async () => {
  await api?.close();
});

describe('link suggestions through the API', () => {
  it('suggests each person entered twice, explaining every field of the score', () => {
    expect(firstRun.suggested).toBe(firstOpen.length);
    const s = between(firstOpen, jessica)!;
    expect(s).toBeDefined();
    const [j, again] = jessica;
    expect(s.comparisons.map(({ weight: _, ...c }) => c)).toEqual([
      compared(s, j, 'given_name', 'exact', 'jessica', 'jessica'),
      compared(s, j, 'surname', 'close', 'whitfield', 'whitfeild'),
      compared(s, j, 'date_of_birth', 'exact', '1984-07-21', '1984-07-21'),
      compared(s, j, 'street', 'exact', '14 banksia crescent', '14 banksia crescent'),
      compared(s, j, 'suburb', 'exact', 'glendale', 'glendale'),
      compared(s, j, 'postcode', 'exact', '2250', '2250'),
      compared(s, j, 'ssid', 'close', '9100001', '9100002'),
    ]);
    expect(s).toMatchObject({ status: 'OPEN', reviewedBy: null, reviewedAt: null, reason: null });
    expect(s.personas.map((p) => p.key).sort()).toEqual([personaKey(j), personaKey(again)].sort());
    expect(between(firstOpen, marcus)).toBeDefined();
    expect(between(firstOpen, priya)).toBeDefined();
  });

  it("adds up every suggestion's comparison weights and the prior's log-odds to its match weight, and its probability from that", async () => {
    const [row] = await api.db.graph.runText(
      "MATCH (m:Matching {name: 'default'}) RETURN m.trained AS trained",
      {},
      'READ',
    );
    const { prior } = JSON.parse(row!.trained as string) as { prior: number };
    const priorWeight = Math.log2(prior / (1 - prior));
    for (const s of firstOpen) {
      expect(s.comparisons.map((c) => c.field)).toEqual(matchingModel.fields.map((f) => f.name));
      expect(s.comparisons.reduce((sum, c) => sum + c.weight, priorWeight)).toBeCloseTo(s.matchWeight, 9);
      expect(s.probability).toBeCloseTo(1 / (1 + 2 ** -s.matchWeight), 12);
      expect(s.probability).toBeGreaterThanOrEqual(0.9);
      // Never a pair exact evidence already made one person.
      expect(s.personas[0]!.person?.id).not.toBe(s.personas[1]!.person?.id);
    }
  });

  it('reads no model before defineMatching, then the model as defined and untrained, as defineMatching answered', () => {
    expect(model.beforeDefine).toBeNull();
    expect(model.defined).toEqual(untrained);
    expect(model.untrained).toEqual(untrained);
  });

  it("reads what training learned: when, the prior and every level's m, u and log2(m / u), as stored", async () => {
    const [row] = await api.db.graph.runText(
      "MATCH (m:Matching {name: 'default'}) RETURN m.trained AS trained",
      {},
      'READ',
    );
    const stored = JSON.parse(row!.trained as string) as {
      trainedAt: string;
      prior: number;
      fields: { m: number[]; u: number[] }[];
    };
    const { trained } = model;
    expect(Date.parse(trained.trainedAt!)).toBeGreaterThanOrEqual(training.from);
    expect(Date.parse(trained.trainedAt!)).toBeLessThanOrEqual(training.to);
    expect(trained).toEqual({
      ...untrained,
      trainedAt: stored.trainedAt,
      priorMatchProbability: stored.prior,
      fields: untrained.fields.map((field, f) => ({
        ...field,
        // The null level (past the learned ones) weighs 0 and has no m or u.
        levels: field.levels.map(({ label }, l) =>
          l < stored.fields[f]!.u.length
            ? {
                label,
                m: stored.fields[f]!.m[l],
                u: stored.fields[f]!.u[l],
                weight: Math.log2(stored.fields[f]!.m[l]! / stored.fields[f]!.u[l]!),
              }
            : { label, m: null, u: null, weight: 0 },
        ),
      })),
    });
    for (const field of trained.fields) {
      for (const level of field.levels.filter((x) => x.label !== 'null')) {
        expect(level.m).toBeGreaterThan(0);
        expect(level.u).toBeGreaterThan(0);
      }
    }
  });

  it('reads the prior every suggestion implies, and the weights of the levels no value frequency adjusts', () => {
    const { trained } = model;
    const prior = trained.priorMatchProbability!;
    expect(prior).toBeGreaterThan(0);
    expect(prior).toBeLessThan(1);
    const weightOf = (field: string, level: string) =>
      trained.fields.find((f) => f.name === field)!.levels.find((x) => x.label === level)!.weight;
    const unadjusted = firstOpen.flatMap((s) =>
      s.comparisons.filter((c) => ['further', 'else', 'null'].includes(c.level)),
    );
    // The pairs differ somewhere: a typo on one side, an address or a value missing.
    expect(unadjusted.length).toBeGreaterThan(0);
    for (const c of unadjusted) expect(c.weight).toBe(weightOf(c.field, c.level));
    for (const s of firstOpen) {
      const priorWeight = s.matchWeight - s.comparisons.reduce((sum, c) => sum + c.weight, 0);
      expect(priorWeight).toBeCloseTo(Math.log2(prior / (1 - prior)), 9);
    }
  });

  it('records SAME as a link naming the reviewer and the reason: the pair regroups into one person, and resolve explains it by the review', async () => {
    const { id, personas } = between(firstOpen, jessica)!;
    const reason = 'same birth date and address; surname and id mistyped';
    const cursor = (await asAdmin<{ latestChangeCursor: string }>('{ latestChangeCursor }'))
      .latestChangeCursor;
    const { reviewSuggestion } = await asAdmin<{ reviewSuggestion: Suggestion }>(REVIEW, {
      id,
      verdict: 'SAME',
      reason,
    });
    expect(reviewSuggestion).toMatchObject({ id, status: 'SAME', reviewedBy: reviewer, reason });
    expect(Date.now() - Date.parse(reviewSuggestion.reviewedAt!)).toBeLessThan(60_000);

    const { first, second } = await asAdmin<{
      first: { id: string; person: { id: string } };
      second: { id: string; person: { id: string } };
    }>(
      `query ($a: String!, $b: String!) {
         first: persona(key: $a) { id person { id } }
         second: persona(key: $b) { id person { id } }
       }`,
      { a: personaKey(jessica[0]), b: personaKey(jessica[1]) },
    );
    expect(first.person.id).toBe(second.person.id);
    const { changes } = await asAdmin<{ changes: { edges: { node: ChangeEvent }[] } }>(CHANGES, {
      after: cursor,
      types: ['PERSON_GROUPED'],
    });
    expect(
      changes.edges.map(({ node: { type, personaIds, data } }) => ({
        type,
        personaIds: [...personaIds].sort(),
        data: { ...data, before: [...(data.before as string[])].sort() },
      })),
    ).toEqual([
      {
        type: 'PERSON_GROUPED',
        personaIds: [first.id, second.id].sort(),
        data: {
          event: null,
          action: 'reviewSuggestion',
          before: personas.map((p) => p.person!.id).sort(),
          after: [first.person.id],
        },
      },
    ]);

    const evidence = `suggestion ${id} reviewed SAME by ${reviewer}: ${reason}`;
    const { exportPersona } = await asAdmin<{
      exportPersona: {
        personas: { personaLinks: { persona: string; evidence: Record<string, unknown> }[] }[];
      };
    }>('query ($id: ID!) { exportPersona(id: $id) }', { id: first.id });
    expect(
      exportPersona.personas[0]!.personaLinks.map((l) => ({
        persona: l.persona,
        active: l.evidence.active,
        evidence: l.evidence.evidence,
        assertedBy: l.evidence.assertedBy,
      })),
    ).toEqual([{ persona: second.id, active: true, evidence, assertedBy: reviewer }]);

    const { resolve } = await asAdmin<{ resolve: ResolutionResult }>(RESOLVE, {
      identifier: { type: 'ssid', value: '9100001' },
      useCase: `${tag}-registry`,
    });
    expect(resolve.person).toEqual({ id: first.person.id });
    expect(resolve.personas.map((p) => p.key).sort()).toEqual(jessica.map(personaKey).sort());
    // The assertion runs from the lower persona id to the higher.
    const [a, b] = first.id < second.id ? jessica.map(personaKey) : [...jessica].reverse().map(personaKey);
    expect(resolve.explanation.filter((e) => e.rule === 'scope.person')).toEqual([
      {
        rule: 'scope.person',
        detail: `person ${first.person.id} groups 2 persona(s): ${a} and ${b} asserted one person: "${evidence}"`,
      },
    ]);
  });

  it('never suggests a pair reviewed DIFFERENT again, in a whole pass or in one of its personas', async () => {
    const { id } = between(firstOpen, marcus)!;
    const reason = 'different people: the ids differ by a digit that was checked';
    const { reviewSuggestion } = await asAdmin<{ reviewSuggestion: Suggestion }>(REVIEW, {
      id,
      verdict: 'DIFFERENT',
      reason,
    });
    expect(reviewSuggestion).toMatchObject({ id, status: 'DIFFERENT', reviewedBy: reviewer, reason });

    const whole = (await asAdmin<{ suggestLinks: { suggested: number } }>(SUGGEST, { input: {} }))
      .suggestLinks;
    const personaIds = between(firstOpen, marcus)!.personas.map((p) => p.id);
    const partial = (
      await asAdmin<{ suggestLinks: { suggested: number } }>(SUGGEST, { input: { personas: personaIds } })
    ).suggestLinks;
    expect([whole.suggested, partial.suggested]).toEqual([0, 0]);
    const reviewed = new Set([between(firstOpen, jessica)!.id, id]);
    expect((await suggestions('OPEN')).map((s) => s.id).sort()).toEqual(
      firstOpen
        .map((s) => s.id)
        .filter((x) => !reviewed.has(x))
        .sort(),
    );
    expect((await suggestions('DIFFERENT')).map((s) => [s.id, s.reason])).toEqual([[id, reason]]);
    expect((await suggestions('SAME')).map((s) => s.id)).toEqual([between(firstOpen, jessica)!.id]);
  });

  it('records LINK_SUGGESTED for each new suggestion and SUGGESTION_REVIEWED for each verdict in the change feed', async () => {
    const { changes } = await asAdmin<{ changes: { edges: { node: ChangeEvent }[] } }>(CHANGES, {
      after: before,
    });
    const nodes = changes.edges.map((e) => e.node);
    const suggested = nodes.filter((c) => c.type === 'LINK_SUGGESTED');
    expect(
      suggested
        .map((c) => ({ personaIds: c.personaIds, data: c.data }))
        .sort((x, y) => String(x.data.suggestion).localeCompare(String(y.data.suggestion))),
    ).toEqual(
      [...firstOpen]
        .sort((x, y) => x.id.localeCompare(y.id))
        .map((s) => {
          const personaIds = s.personas.map((p) => p.id);
          return { personaIds, data: { suggestion: s.id, personas: personaIds, probability: s.probability } };
        }),
    );
    const same = between(firstOpen, jessica)!;
    const different = between(firstOpen, marcus)!;
    expect(
      nodes
        .filter((c) => c.type === 'SUGGESTION_REVIEWED')
        .map((c) => ({ personaIds: c.personaIds, data: c.data })),
    ).toEqual([
      {
        personaIds: same.personas.map((p) => p.id),
        data: {
          suggestion: same.id,
          verdict: 'SAME',
          reason: 'same birth date and address; surname and id mistyped',
        },
      },
      {
        personaIds: different.personas.map((p) => p.id),
        data: {
          suggestion: different.id,
          verdict: 'DIFFERENT',
          reason: 'different people: the ids differ by a digit that was checked',
        },
      },
    ]);
  });

  it('refuses a reader every suggestion operation with FORBIDDEN, and changes nothing', async () => {
    const open = between(firstOpen, priya)!;
    const operations = [
      ['{ suggestions { edges { node { id } } } }', {}],
      ['{ matching { threshold trainedAt } }', {}],
      [
        'mutation ($m: MatchingInput!) { defineMatching(input: $m) { threshold } }',
        { m: { ...matchingModel, threshold: 0.5 } },
      ],
      [SUGGEST, { input: { train: true } }],
      [REVIEW, { id: open.id, verdict: 'DIFFERENT', reason: 'a reader tries' }],
      ['query ($key: String!) { persona(key: $key) { suggestions { id } } }', { key: personaKey(priya[0]) }],
    ] as const;
    const codes = await Promise.all(
      operations.map(async ([query, variables]) =>
        (await api.gql(query, variables, { key: keys.reader })).errors?.map((e) => e.extensions?.code),
      ),
    );
    expect(codes).toEqual([
      ['FORBIDDEN'],
      ['FORBIDDEN'],
      ['FORBIDDEN'],
      ['FORBIDDEN'],
      ['FORBIDDEN'],
      ['FORBIDDEN'],
    ]);
    expect(between(await suggestions('OPEN'), priya)).toEqual(open);
    expect((await asAdmin<{ matching: Matching }>(MATCHING)).matching).toEqual(model.trained);
  });

  it("removes an erased persona's suggestions", async () => {
    const open = between(firstOpen, priya)!;
    const erased = open.personas.find((p) => p.key === personaKey(priya[1]))!;
    await asAdmin(
      'mutation ($id: ID!, $reason: String!) { erasePersona(id: $id, reason: $reason) { personas } }',
      {
        id: erased.id,
        reason: `${tag}: asked to be forgotten`,
      },
    );
    const all = (
      await Promise.all(['OPEN', 'SAME', 'DIFFERENT', 'STALE'].map((status) => suggestions(status)))
    ).flat();
    expect(all.filter((s) => s.id === open.id || s.personas.some((p) => p.id === erased.id))).toEqual([]);
    const { persona } = await asAdmin<{ persona: { suggestions: { id: string }[] } }>(
      'query ($key: String!) { persona(key: $key) { suggestions { id } } }',
      { key: personaKey(priya[0]) },
    );
    expect(persona.suggestions).toEqual([]);
  });

  // Last: it forgets the training the tests above rely on.
  it('reads the model untrained again once defineMatching replaces it', async () => {
    const { defineMatching } = await asAdmin<{ defineMatching: Matching }>(DEFINE, {
      m: { ...matchingModel, threshold: 0.9 },
    });
    expect(defineMatching).toEqual(untrained);
    expect((await asAdmin<{ matching: Matching }>(MATCHING)).matching).toEqual(untrained);
  });
});
