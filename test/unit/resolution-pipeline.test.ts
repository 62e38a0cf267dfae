// The resolution rules on hand-made gathered rows: no database, each rule's effect and explanation.
import type { PersonaModel } from '../../src/identity/identity.model.js';
import type { UseCaseModel } from '../../src/resolution/resolution.model.js';
import type { GatheredPersona, GatherRow } from '../../src/resolution/resolution.repository.js';
import {
  anchor,
  applyPolicy,
  contexts,
  initialState,
  policy,
  pressure,
  type ResolutionState,
} from '../../src/resolution/resolution.rules.js';

const useCase = (over: Partial<UseCaseModel> = {}): UseCaseModel => ({
  name: 'news',
  description: null,
  scope: 'PERSON',
  minStrength: 'STRONG',
  maxHops: 3,
  contexts: null,
  excludeContexts: [],
  contactTypes: ['email'],
  consentPurpose: 'news',
  pressureCap: null,
  requiredFacts: [],
  contactEvery: false,
  ...over,
});

const persona = (key: string, context: PersonaModel['context'] = 'PERSONAL'): PersonaModel => ({
  id: `id-${key}`,
  key,
  context,
  label: null,
});
const ada = persona('ada');
const work = persona('ada-work', 'WORK');

type SharedIdentifier = GatherRow['persons'][number]['sharedIdentifiers'][number];

/** Ada's person: her own and her work persona, grouped by one identifier both hold. */
const adaPerson = (
  shared: Omit<SharedIdentifier, 'a' | 'b' | 'aId' | 'bId'>,
): GatherRow['persons'][number] => ({
  id: 'person-1',
  personaIds: [ada.id],
  members: [ada, work],
  sharedIdentifiers: [{ a: 'ada', b: 'ada-work', aId: ada.id, bId: work.id, ...shared }],
  assertions: [],
});

const gathered = (over: Partial<GatherRow> = {}): GatherRow => ({
  anchor: { type: 'email', value: 'ada@home.example', shared: false },
  holderCount: 1,
  holders: [
    {
      persona: ada,
      eventId: 'e1',
      source: 'web',
      since: '2026-01-01T00:00:00.000Z',
      lastAt: '2026-01-01T00:00:00.000Z',
      strength: 'STRONG',
      to: null,
    },
  ],
  staleHolders: [],
  endings: [],
  nearest: [],
  persons: [
    adaPerson({
      type: 'phone',
      value: '+12125550100',
      strengths: ['STRONG', 'STRONG'],
      lastAts: ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
    }),
  ],
  scoped: [],
  messages: [],
  ...over,
});

const scopedPersona = (p: PersonaModel, over: Partial<GatheredPersona> = {}): GatheredPersona => ({
  id: p.id,
  identifiers: [],
  consents: [],
  facts: [],
  ...over,
});

const start = (u: UseCaseModel, g: GatherRow | null, staleDays = new Map<string, number | null>()) =>
  initialState({
    staleDays,
    at: null,
    useCase: u,
    input: { type: 'email', value: 'ada@home.example' },
    key: { type: 'email', value: 'ada@home.example' },
    channels: new Map([['email', 'EMAIL']]),
    maxPersonas: 3,
    gathered: g,
  });

describe('the anchor rule', () => {
  it('settles an identifier the graph does not hold as UNKNOWN_IDENTIFIER', () => {
    const s = anchor(policy(start(useCase(), null)));
    expect(s.settled).toBe(true);
    expect(s.suppressions).toEqual([
      { code: 'UNKNOWN_IDENTIFIER', message: 'email ada@home.example is not known' },
    ]);
    expect(s.explanation.map((e) => e.rule)).toEqual(['policy', 'anchor']);
  });
});

describe('the context rule', () => {
  it('leaves out each persona whose context the use case excludes, saying why', () => {
    const before: ResolutionState = {
      ...start(useCase({ excludeContexts: ['WORK'] }), gathered()),
      personas: [ada, work],
    };
    const s = contexts(before);
    expect(s.personas).toEqual([ada]);
    expect(s.explanation).toEqual([
      { rule: 'scope.context', detail: 'persona ada-work (WORK) left out: context WORK not allowed' },
    ]);
  });
});

describe('the pressure rule', () => {
  it('counts messages to personas in scope and to the anchor, each once, and not those to personas left out', () => {
    const u = useCase({ pressureCap: { max: 2, windowDays: 7, purpose: 'news' } });
    const g = gathered({
      messages: [
        { id: 'm1', personaId: ada.id, at: '2026-03-01T00:00:00.000Z' },
        { id: 'm1', personaId: null, at: '2026-03-01T00:00:00.000Z' },
        { id: 'm2', personaId: work.id, at: '2026-03-02T00:00:00.000Z' },
      ],
    });
    const allowed = {
      identifier: { ...g.anchor },
      holderIds: new Set([ada.id]),
      anchor: true,
      direct: true,
      lastAt: '',
    };
    const s = pressure({ ...start(u, g), consentGivers: [ada], allowed });
    expect(s.suppressions).toEqual([]);
    expect(s.explanation).toEqual([
      { rule: 'contact.pressure', detail: '1 of 2 "news" message(s) in 7 day(s)' },
    ]);
  });

  it('says when one more message fits: when enough of the counted ones have left the window', () => {
    const u = useCase({ pressureCap: { max: 2, windowDays: 7, purpose: 'news' } });
    const g = gathered({
      messages: [
        { id: 'm3', personaId: ada.id, at: '2026-03-05T10:00:00.000Z' },
        { id: 'm1', personaId: ada.id, at: '2026-03-01T10:00:00.000Z' },
        { id: 'm2', personaId: null, at: '2026-03-03T10:00:00.000Z' },
      ],
    });
    const allowed = {
      identifier: { ...g.anchor },
      holderIds: new Set([ada.id]),
      anchor: true,
      direct: true,
      lastAt: '',
    };
    const s = pressure({ ...start(u, g), consentGivers: [ada], allowed });
    expect(s.suppressions.map((x) => x.code)).toEqual(['PRESSURE_CAP']);
    // Three sent, two allowed: once m1 and m2 have left (m2 on March 10th), one more fits.
    expect(s.nextAllowedAt).toBe('2026-03-10T10:00:00.000Z');
  });
});

describe('the whole pipeline', () => {
  it('never lets one persona’s channel-wide grant cover another persona’s withdrawn address', () => {
    const g = gathered({
      scoped: [
        scopedPersona(ada, {
          identifiers: [
            {
              type: 'email',
              value: 'ada@home.example',
              shared: false,
              since: null,
              lastAt: null,
              strength: 'STRONG',
            },
          ],
          consents: [{ channel: 'EMAIL', granted: false, at: '2026-02-01T00:00:00.000Z', identifier: null }],
        }),
        scopedPersona(work, {
          identifiers: [
            {
              type: 'email',
              value: 'ada@work.example',
              shared: false,
              since: null,
              lastAt: null,
              strength: 'STRONG',
            },
          ],
          consents: [{ channel: 'EMAIL', granted: true, at: '2026-03-01T00:00:00.000Z', identifier: null }],
        }),
      ],
    });
    const resolution = applyPolicy(start(useCase(), g));
    expect(resolution.person).toEqual({ id: 'person-1' });
    expect(resolution.personas).toEqual([ada, work]);
    expect(resolution.contact).toEqual({ type: 'email', value: 'ada@work.example', shared: false });
    expect(resolution.explanation.map((e) => e.rule)).toEqual([
      'policy',
      'anchor',
      'evidence.holds',
      'scope.person',
      'contact.consent',
      'contact.consent',
      'contact.choice',
    ]);
    expect(resolution.explanation[4]).toEqual({
      rule: 'contact.consent',
      detail: 'email ada@home.example skipped: "news" on EMAIL withdrawn at 2026-02-01T00:00:00.000Z',
    });
    expect(resolution.confidence).toBeCloseTo(0.9);
  });

  it('answers AMBIGUOUS with the candidates when the anchor leads to two persons, and reads nothing more', () => {
    const bob = persona('bob');
    const g = gathered({
      holders: [
        {
          persona: ada,
          eventId: 'e1',
          source: 'web',
          since: null,
          lastAt: null,
          strength: 'STRONG',
          to: null,
        },
        {
          persona: bob,
          eventId: 'e2',
          source: 'web',
          since: null,
          lastAt: null,
          strength: 'STRONG',
          to: null,
        },
      ],
      persons: [
        { id: 'p1', personaIds: [ada.id], members: [ada], sharedIdentifiers: [], assertions: [] },
        { id: 'p2', personaIds: [bob.id], members: [bob], sharedIdentifiers: [], assertions: [] },
      ],
    });
    const resolution = applyPolicy(start(useCase(), g));
    expect(resolution.suppressions).toEqual([
      { code: 'AMBIGUOUS', message: 'email ada@home.example leads to 2 persons and news needs one' },
    ]);
    expect(resolution.candidates).toEqual([ada, bob]);
    expect(resolution.personas).toEqual([]);
    expect(resolution.contact).toBeNull();
    expect(resolution.confidence).toBe(0.5);
  });
});

describe('the contact choice', () => {
  const carl = persona('carl');
  // A household phone held directly by three personas of one person, each with its own email.
  const household = (lastAts: [string, string, string]) =>
    gathered({
      anchor: { type: 'phone', value: '+12125550199', shared: false },
      holders: [ada, work, carl].map((p) => ({
        persona: p,
        eventId: `e-${p.key}`,
        source: 'web',
        since: '2026-01-01T00:00:00.000Z',
        lastAt: '2026-01-01T00:00:00.000Z',
        strength: 'STRONG' as const,
        to: null,
      })),
      persons: [
        {
          id: 'person-1',
          personaIds: [ada.id, work.id, carl.id],
          members: [ada, work, carl],
          sharedIdentifiers: [],
          assertions: [],
        },
      ],
      scoped: [ada, work, carl].map((p, n) =>
        scopedPersona(p, {
          identifiers: [
            {
              type: 'email',
              value: `${p.key}@mail.example`,
              shared: false,
              since: '2026-01-01T00:00:00.000Z',
              lastAt: lastAts[n]!,
              strength: 'STRONG',
            },
          ],
        }),
      ),
    });
  const noConsent = useCase({ consentPurpose: null });

  it('picks the most recently proven address and names the rule', () => {
    const resolution = applyPolicy(
      start(noConsent, household(['2026-03-01T00:00:00Z', '2026-05-01T00:00:00Z', '2026-04-01T00:00:00Z'])),
    );
    expect(resolution.contact).toEqual({ type: 'email', value: 'ada-work@mail.example', shared: false });
    expect(resolution.contacts).toEqual([resolution.contact]);
    expect(resolution.explanation.at(-1)).toEqual({
      rule: 'contact.choice',
      detail:
        'email ada-work@mail.example (last proven 2026-05-01T00:00:00Z, held directly): the first allowed by: type preference email; then the anchor itself; then the personas holding the anchor directly; then the most recently proven; then by value',
    });
  });

  it('says AMBIGUOUS instead of picking when two personas’ addresses are equally recent', () => {
    const resolution = applyPolicy(
      start(noConsent, household(['2026-05-01T00:00:00Z', '2026-05-01T00:00:00Z', '2026-04-01T00:00:00Z'])),
    );
    expect(resolution.contact).toBeNull();
    expect(resolution.contacts).toEqual([]);
    expect(resolution.suppressions.map((x) => x.code)).toEqual(['AMBIGUOUS']);
    expect(resolution.candidates).toEqual([ada, work]);
  });

  it('with contactEvery reaches each persona at its own address under its own consent', () => {
    const g = household(['2026-03-01T00:00:00Z', '2026-05-01T00:00:00Z', '2026-04-01T00:00:00Z']);
    const consents = { [ada.id]: true, [work.id]: false, [carl.id]: true };
    const withConsents = {
      ...g,
      scoped: g.scoped.map((p) => ({
        ...p,
        consents: [
          { channel: 'EMAIL', granted: consents[p.id]!, at: '2026-02-01T00:00:00Z', identifier: null },
        ],
      })),
    };
    const resolution = applyPolicy(start(useCase({ contactEvery: true }), withConsents));
    expect(resolution.contacts.map((c) => c.value)).toEqual(['ada@mail.example', 'carl@mail.example']);
    expect(resolution.explanation.filter((e) => e.rule === 'contact.every').map((e) => e.detail)).toEqual([
      'persona ada (PERSONAL) reached at email ada@mail.example',
      'persona ada-work (WORK): no allowed contact point',
      'persona carl (PERSONAL) reached at email carl@mail.example',
    ]);
  });
});

describe('stale evidence', () => {
  it('no longer groups a persona through a cookie last seen by WEAK evidence longer ago than its type allows', () => {
    const g = gathered({
      persons: [
        adaPerson({
          type: 'cookie',
          value: 'tablet-1',
          strengths: ['WEAK', 'WEAK'],
          lastAts: ['2020-01-01T00:00:00.000Z', '2020-01-02T00:00:00.000Z'],
        }),
      ],
    });
    const resolution = applyPolicy(start(useCase({ consentPurpose: null }), g, new Map([['cookie', 30]])));
    expect(resolution.personas).toEqual([ada]);
    expect(resolution.explanation.filter((e) => e.rule === 'scope.stale').map((e) => e.detail)).toEqual([
      'ada and ada-work share cookie tablet-1, but by WEAK evidence older than 30 day(s): it no longer groups them',
      'persona ada-work (WORK) left out: no longer grouped by evidence that counts',
    ]);
  });
});
