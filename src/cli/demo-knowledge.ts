// The customer-knowledge part of the demo: a taxonomy, questions, and events that tell the profiling
// stories (the logistics company asked step by step, Julia's job title inside its cooldown, a call
// with its reason, sentiment and outcome, a campaign code nobody has mapped yet).
import type { EventInput, UseCaseInput } from '../generated/graphql.js';
import type { TaxonomyFile } from '../profile/taxonomy-file.js';

export function demoKnowledge(p: string) {
  const at = (day: number, hour = 9) => new Date(Date.UTC(2026, 9, day, hour)).toISOString();
  const email = (local: string, domain: string) => ({
    type: 'email',
    value: `${local}@${domain}.${p}.example`,
  });
  // Unmapped on purpose: docs/use-cases.md maps it. Only the default demo uses the bare codes.
  const unmappedCampaign = p === 'demo' ? 'C12DHE33' : `C12DHE33-${p}`;
  const unmappedAsset = p === 'demo' ? 'duwe3n4nudd9' : `duwe3n4nudd9-${p}`;
  const acme = {
    persona: { key: `${p}:shipping:acme-logistics`, context: 'BUSINESS' as const, label: 'Acme Logistics' },
    identifiers: [email('ops', 'acme-logistics')],
    authenticated: true,
  };
  const event = (id: string, day: number, type: string, extra: Partial<EventInput> = {}): EventInput => ({
    id: `${p}-${id}`,
    type,
    occurredAt: at(day),
    source: 'web',
    channel: 'WEB',
    actor: acme,
    ...extra,
  });

  const taxonomy: TaxonomyFile = {
    terms: [
      { vocabulary: 'topic', key: 'shipping', label: 'Shipping' },
      { vocabulary: 'topic', key: 'freight', label: 'Freight', broader: 'shipping' },
      { vocabulary: 'topic', key: 'warehousing', label: 'Warehousing' },
      { vocabulary: 'topic', key: 'customs', label: 'Customs' },
      { vocabulary: 'call-reason', key: 'billing', label: 'Billing question' },
      { vocabulary: 'sentiment', key: 'negative', label: 'Negative' },
      { vocabulary: 'outcome', key: 'resolved', label: 'Resolved on the call' },
      { vocabulary: 'lifecycle-stage', key: 'customer', label: 'Customer' },
    ],
    factKeys: [
      { key: 'job_title', label: 'Job title', type: 'STRING' },
      {
        key: 'shipping_mode',
        label: 'What they ship',
        type: 'ENUM',
        allowedValues: ['parcels', 'pallets', 'freight'],
      },
      { key: 'freight_tonnes', label: 'Freight a month, in tonnes', type: 'NUMBER' },
    ],
    campaigns: [{ code: 'WFO-26', name: 'Winter freight offer', channel: 'EMAIL', topics: ['freight'] }],
    assets: [],
    questions: [
      {
        key: 'interests',
        factKey: 'interests',
        text: 'What are you interested in?',
        options: ['shipping', 'warehousing', 'customs'],
        valueExchange: 'Tell us your interests and get 10% off your next shipment',
      },
      {
        key: 'shipping_mode',
        factKey: 'shipping_mode',
        text: 'What do you ship?',
        options: ['parcels', 'pallets', 'freight'],
        after: { question: 'interests', answers: ['shipping'] },
      },
      {
        key: 'freight_tonnes',
        factKey: 'freight_tonnes',
        text: 'How many tonnes of freight do you ship a month?',
        after: { question: 'shipping_mode', answers: ['freight'] },
      },
      { key: 'job_title', factKey: 'job_title', text: 'What is your current job title?', cooldownDays: 30 },
    ],
  };

  const events: EventInput[] = [
    event('acme-signup', 14, 'signup', { facts: [{ key: 'first_name', value: 'Lena' }] }),
    event('acme-interests', 15, 'form_submit', { answers: [{ question: 'interests', value: ['shipping'] }] }),
    event('acme-click-1', 15, 'email_click', {
      channel: 'EMAIL',
      campaign: unmappedCampaign,
      asset: unmappedAsset,
    }),
    event('acme-click-2', 16, 'email_click', { channel: 'EMAIL', campaign: unmappedCampaign }),
    event('acme-click-3', 16, 'email_click', { channel: 'EMAIL', campaign: 'WFO-26' }),
    event('acme-call', 17, 'call', {
      source: 'call-center',
      channel: 'PHONE',
      terms: [
        { vocabulary: 'call-reason', key: 'billing' },
        { vocabulary: 'sentiment', key: 'negative' },
        { vocabulary: 'outcome', key: 'resolved' },
      ],
    }),
    event('north-signup', 14, 'signup', {
      actor: {
        persona: { key: `${p}:shipping:north-freight`, context: 'BUSINESS', label: 'North Freight' },
        identifiers: [email('ops', 'north-freight')],
        authenticated: true,
      },
    }),
    // Julia's job alert puts the job-title question to her personal address.
    {
      id: `${p}-julia-alert-1`,
      type: 'message_sent',
      occurredAt: at(16),
      source: 'mailer',
      channel: 'EMAIL',
      purpose: 'job-alerts',
      actor: { identifiers: [email('julia', 'home')] },
      asked: ['job_title'],
    },
  ];

  const useCases: UseCaseInput[] = [
    {
      name: `${p}-logistics-news`,
      description: 'The logistics newsletter, tailored by what the company ships',
      scope: 'PERSONA',
      contactTypes: ['email'],
      requiredFacts: ['interests', 'shipping_mode', 'freight_tonnes'],
    },
  ];
  return { taxonomy, events, useCases, unmappedCampaign, unmappedAsset };
}
