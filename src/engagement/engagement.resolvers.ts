// Thin resolvers for scores, segments, pressure and the digital profile.
import { requireRole } from '../access/auth.js';
import type { Resolvers } from '../generated/graphql.js';

export const engagementResolvers: Resolvers = {
  Mutation: {
    computeScores: (_, __, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.engagement.computeScores();
    },
    defineSegment: (_, { input }, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.segments.define(input);
    },
  },
  Segment: {
    contacts: (segment, { useCase, first, after }, { services }) =>
      services.segments.contacts(segment, useCase, first ?? 50, after ?? null),
    count: async (segment, _, { services }) => (await services.segments.members(segment, 0, null)).count,
    members: async (segment, { first, after }, { services }) => {
      const { edges, pageInfo } = await services.segments.members(segment, first ?? 100, after ?? null);
      return { edges, pageInfo };
    },
  },
  Query: {
    segment: (_, { name }, { services, auth }) => {
      requireRole(auth, 'read');
      return services.segments.byName(name);
    },
    pressure: (_, { identifier, purpose, windowDays }, { services, auth }) => {
      requireRole(auth, 'read');
      return services.engagement.pressure(identifier, purpose, windowDays);
    },
  },
  Person: {
    digitalProfile: (person, _, { services }) => services.engagement.digitalProfile(person.id),
  },
  Persona: {
    engagement: (persona, _, { loaders }) => loaders.engagement.engagementOfPersona.load(persona.id),
  },
};
