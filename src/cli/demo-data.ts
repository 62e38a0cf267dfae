// The demo dataset `npm run demo` loads: the six stories of the design, so a newcomer can try them
// with the queries of the README and docs/use-cases.md. Idempotent: loading it twice changes nothing.
import type { AppConfig } from '../config.js';
import type { EventInput, PersonaContext, UseCaseInput } from '../generated/graphql.js';
import type { Graph } from '../graph/run.js';
import { loadTaxonomy } from '../profile/taxonomy-file.js';
import { operatorServices } from './operator.js';
import { demoKnowledge } from './demo-knowledge.js';

export interface DemoOptions {
  /** Prefix of every key and address, so a test can load its own copy. */
  prefix: string;
  /**
   * The phone numbers the stories use: Joe office, Joe personal, Sam, the consultant, the switchboard,
   * and the number that changed hands (recycled).
   */
  phones: [string, string, string, string, string, string];
}

export const demoDefaults: DemoOptions = {
  prefix: 'demo',
  phones: [
    '+1 212 555 0101',
    '+1 212 555 0102',
    '+1 415 555 0103',
    '+1 312 555 0104',
    '+1 646 555 0100',
    '+1 718 555 0106',
  ],
};

export function demoDataset({ prefix: p, phones }: DemoOptions) {
  const [joeOffice, joeHome, samPhone, consultantPhone, switchboard, recycledPhone] = phones;
  const at = (day: number, hour = 9) => new Date(Date.UTC(2026, 9, day, hour)).toISOString();
  const email = (local: string, domain: string) => ({
    type: 'email',
    value: `${local}@${domain}.${p}.example`,
  });
  const phone = (value: string) => ({ type: 'phone', value });
  const login = (
    id: string,
    day: number,
    persona: { key: string; context: PersonaContext; label?: string },
    identifiers: { type: string; value: string }[],
    extra: Partial<EventInput> & { device?: NonNullable<EventInput['actor']['device']> } = {},
  ): EventInput => {
    const { device, ...rest } = extra;
    return {
      id: `${p}-${id}`,
      type: 'login',
      occurredAt: at(day),
      source: 'web',
      channel: 'WEB',
      actor: {
        persona: { ...persona, key: `${p}:${persona.key}` },
        identifiers,
        device,
        authenticated: true,
      },
      ...rest,
    };
  };

  const events: EventInput[] = [
    // 1. Anne, the guest: her father books and enters her personal email as a guest.
    login('anne-work-signup', 1, { key: 'agency:anne-work', context: 'WORK', label: 'Anne at work' }, [
      email('anne', 'acme-corp'),
    ]),
    {
      ...login(
        'family-booking',
        2,
        { key: 'agency:anne-father', context: 'FAMILY', label: "Anne's father" },
        [email('dad', 'family-mail')],
      ),
      type: 'booking',
      mentions: [{ role: 'GUEST', identifier: email('anne.personal', 'mail') }],
    },
    // 2. Joe, three personas; the loyalty card is what the store sees him use in two of them.
    login(
      'joe-office',
      3,
      { key: 'store:joe-office', context: 'WORK', label: 'Office Joe' },
      [email('joe', 'office'), phone(joeOffice)],
      {
        device: { id: `${p}-joe-office-pc`, kind: 'DESKTOP', os: 'Windows' },
      },
    ),
    login(
      'joe-personal',
      3,
      { key: 'store:joe-personal', context: 'PERSONAL', label: 'Personal Joe' },
      [email('joe', 'home'), phone(joeHome), { type: 'loyalty', value: `${p}-card-7781` }],
      {
        device: { id: `${p}-joe-home-mac`, kind: 'LAPTOP', os: 'macOS' },
        consents: [{ purpose: 'promotions', channel: 'EMAIL', granted: true }],
      },
    ),
    login(
      'joe-side',
      4,
      { key: 'store:joe-side', context: 'BUSINESS', label: 'Side-hustle Joe' },
      [email('joe', 'side-hustle'), { type: 'loyalty', value: `${p}-card-7781` }],
      { type: 'purchase', consents: [{ purpose: 'promotions', channel: 'EMAIL', granted: true }] },
    ),
    // 3. Julia: Chrome for work, Firefox for personal life, one laptop.
    login('julia-work', 5, { key: 'jobs:julia-work', context: 'WORK' }, [email('julia', 'corp')], {
      device: { id: `${p}-julia-chrome`, kind: 'LAPTOP', browser: 'Chrome', hardwareId: `${p}-julia-laptop` },
    }),
    login('julia-alerts', 5, { key: 'jobs:julia-personal', context: 'PERSONAL' }, [email('julia', 'home')], {
      type: 'signup',
      device: {
        id: `${p}-julia-firefox`,
        kind: 'LAPTOP',
        browser: 'Firefox',
        hardwareId: `${p}-julia-laptop`,
      },
      facts: [{ key: 'job_interest', value: 'mechanical engineer', method: 'DIRECT' }],
      consents: [
        { purpose: 'job-alerts', channel: 'EMAIL', granted: true, identifier: email('julia', 'home') },
      ],
    }),
    // 4. Sam: two accounts, one phone; the allergy is recorded on one.
    login('sam-a', 6, { key: 'food:sam-a', context: 'PERSONAL' }, [email('sam', 'mail'), phone(samPhone)], {
      facts: [{ key: 'allergy', value: 'peanuts', method: 'DIRECT' }],
    }),
    login('sam-b', 7, { key: 'food:sam-b', context: 'PERSONAL' }, [email('sam.b', 'mail'), phone(samPhone)]),
    // 5. The consultant: one phone for 2FA across client accounts.
    ...['alpha', 'beta', 'gamma'].map((client, i) =>
      login(`consultant-${client}`, 8 + i, { key: `portal:consultant-${client}`, context: 'WORK' }, [
        email('consultant', client),
        phone(consultantPhone),
      ]),
    ),
    // 6. The switchboard: seven unrelated people list the office number; one writes "0000000000".
    ...Array.from({ length: 7 }, (_, i) =>
      login(`switchboard-${i}`, 12, { key: `crm:employee-${i}`, context: 'WORK' }, [
        email(`employee${i}`, `company${i}`),
        phone(switchboard),
      ]),
    ),
    login('placeholder-phone', 13, { key: 'crm:no-phone', context: 'WORK' }, [
      email('someone', 'company9'),
      phone('0000000000'),
    ]),
    // 7. The number that changed hands: Ruth proved it in January and went silent; in October the
    // carrier gave it to Omar, who confirmed it by one-time code. Her reminders must not reach him.
    {
      ...login('dentist-ruth-signup', 1, { key: 'dentist:ruth', context: 'PERSONAL', label: 'Ruth' }, [
        email('ruth', 'mail'),
        phone(recycledPhone),
      ]),
      occurredAt: '2026-01-12T09:00:00.000Z',
    },
    {
      ...login('dentist-omar-otp', 14, { key: 'dentist:omar', context: 'PERSONAL', label: 'Omar' }, [
        email('omar', 'mail'),
        phone(recycledPhone),
      ]),
      type: 'otp_verified',
    },
  ];

  const useCases: UseCaseInput[] = [
    {
      name: `${p}-trip-reminder`,
      description: 'Reminder for a booked trip, to the address entered for the traveller',
      scope: 'IDENTIFIER',
      contactTypes: ['email'],
    },
    {
      name: `${p}-side-promo`,
      description: "Promotion for Joe's side business",
      scope: 'PERSON',
      contexts: ['BUSINESS'],
      contactTypes: ['email'],
      consentPurpose: 'promotions',
    },
    {
      name: `${p}-job-alerts`,
      description: 'Job offers for alert subscribers',
      scope: 'PERSONA',
      contactTypes: ['email'],
      consentPurpose: 'job-alerts',
      pressureCap: { max: 3, windowDays: 7 },
      requiredFacts: ['job_interest', 'job_title'],
    },
    {
      name: `${p}-order-preparation`,
      description: 'Safety: everything known about the customer when preparing an order',
      scope: 'PERSON',
    },
    {
      name: `${p}-client-notice`,
      description: 'A notice for one client account',
      scope: 'PERSONA',
      contactTypes: ['email'],
    },
    {
      name: `${p}-appointment-reminder`,
      description: 'An appointment reminder by text message to the patient the number belongs to',
      scope: 'PERSONA',
      contactTypes: ['phone'],
    },
    {
      name: `${p}-two-factor`,
      description: 'A one-time code to the phone given',
      scope: 'IDENTIFIER',
      contactTypes: ['phone'],
    },
  ];
  return {
    events,
    useCases,
    assertions: [
      {
        a: `${p}:store:joe-office`,
        b: `${p}:store:joe-personal`,
        evidence: 'Joe showed both cards at the store desk',
      },
    ],
  };
}

export async function loadDemoData(
  graph: Graph,
  config: AppConfig,
  log: (line: string) => void,
  options: DemoOptions = demoDefaults,
) {
  // The one composition root, acting as an operator named "demo".
  const services = operatorServices(graph, config, 'demo');
  const { identity, resolution } = services;
  const { events, useCases, assertions } = demoDataset(options);
  // The taxonomy first, so the knowledge events' facts and answers are checked and filled.
  const knowledge = demoKnowledge(options.prefix);
  await loadTaxonomy(services.profile, knowledge.taxonomy);
  const result = await services.ingest.ingest([...events, ...knowledge.events]);
  for (const useCase of [...useCases, ...knowledge.useCases]) await resolution.defineUseCase(useCase);
  for (const { a, b, evidence } of assertions) {
    const [first, second] = await identity.personasByKeys([a, b]);
    if (first && second) await identity.linkPersonas(first.id, second.id, evidence);
  }
  // A marketer's segment: everyone whose clicks and answers show an interest in shipping.
  await services.segments.define({
    name: `${options.prefix}-engaged-shippers`,
    description: 'Interested in shipping (freight counts toward it)',
    conditions: { interests: [{ topic: 'shipping', minScore: 0.01 }] },
  });
  log(
    `demo data: ${result.accepted} events stored, ${result.duplicates} already there, ${result.rejected.length} rejected, ${result.ignored.length} identifier(s) ignored; ${useCases.length + knowledge.useCases.length} use cases`,
  );
  return result;
}
