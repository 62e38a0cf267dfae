// Thin resolvers for the taxonomy, fact keys, questions, progressive profiling, completeness and rendering.
import type { Resolvers } from '../generated/graphql.js';
import { requireRole } from '../access/auth.js';
import type { TermModel } from './profile.model.js';

const present = <T>(list: (T | null | Error)[]): T[] =>
  list.filter((x): x is T => x !== null && !(x instanceof Error));

export const profileResolvers: Resolvers = {
  Query: {
    unmapped: (_, { first }, { services, auth }) => {
      requireRole(auth, 'read');
      return services.profile.unmapped(first ?? 50);
    },
    terms: (_, { vocabulary }, { services, auth }) => {
      requireRole(auth, 'read');
      return services.profile.terms(vocabulary);
    },
    campaign: (_, { code }, { loaders, auth }) => {
      requireRole(auth, 'read');
      return loaders.profile.campaign.load(code.trim());
    },
    factKeys: (_, __, { services, auth }) => {
      requireRole(auth, 'read');
      return services.profile.factKeys();
    },
    questions: (_, __, { services, auth }) => {
      requireRole(auth, 'read');
      return services.profile.questions();
    },
    nextQuestions: (_, { identifier, useCase, first, at }, { services, auth }) => {
      requireRole(auth, 'read');
      return services.profile.nextQuestions(identifier, useCase, first ?? 1, at);
    },
    completeness: (_, { identifier, useCase, at }, { services, auth }) => {
      requireRole(auth, 'read');
      return services.profile.completeness(identifier, useCase, at);
    },
    render: (_, { template, identifier, useCase }, { services, auth }) => {
      requireRole(auth, 'read');
      return services.profile.render(template, identifier, useCase);
    },
  },
  Mutation: {
    defineTerm: (_, { input }, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.profile.defineTerm(input);
    },
    defineCampaign: (_, { input }, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.profile.defineCampaign(input);
    },
    defineAsset: (_, { input }, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.profile.defineAsset(input);
    },
    defineFactKey: (_, { input }, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.profile.defineFactKey(input);
    },
    defineQuestion: (_, { input }, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.profile.defineQuestion(input);
    },
  },
  Event: {
    campaign: async (event, _, { loaders }) => {
      const codes = await loaders.profile.eventTaxonomy.load(event.id);
      return codes?.campaign ? loaders.profile.campaign.load(codes.campaign) : null;
    },
    asset: async (event, _, { loaders }) => {
      const codes = await loaders.profile.eventTaxonomy.load(event.id);
      return codes?.asset ? loaders.profile.asset.load(codes.asset) : null;
    },
    terms: async (event, _, { loaders }) => {
      const codes = await loaders.profile.eventTaxonomy.load(event.id);
      const terms = present(await loaders.profile.term.loadMany(codes?.terms ?? []));
      return terms.sort((a, b) => (a.vocabulary + a.key < b.vocabulary + b.key ? -1 : 1));
    },
    asked: async (event, _, { loaders }) =>
      [...((await loaders.profile.eventTaxonomy.load(event.id))?.asked ?? [])].sort(),
    answers: async (event, _, { loaders }) =>
      [...((await loaders.profile.eventTaxonomy.load(event.id))?.answers ?? [])].sort((a, b) =>
        a.question < b.question ? -1 : 1,
      ),
  },
  Campaign: {
    topics: async (campaign, _, { loaders }) =>
      present(
        await loaders.profile.term.loadMany(campaign.topics.map((key) => ({ vocabulary: 'topic', key }))),
      ),
  },
  Asset: {
    campaign: (asset, _, { loaders }) =>
      asset.campaign ? loaders.profile.campaign.load(asset.campaign) : null,
    topics: async (asset, _, { loaders }) =>
      present(await loaders.profile.term.loadMany(asset.topics.map((key) => ({ vocabulary: 'topic', key })))),
  },
  Term: {
    broader: (term: TermModel, _, { loaders }) =>
      term.broader ? loaders.profile.term.load({ vocabulary: term.vocabulary, key: term.broader }) : null,
  },
};
