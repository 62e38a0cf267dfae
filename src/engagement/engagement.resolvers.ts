// Thin resolvers for scores, segments, pressure and the digital profile.
import { badUserInput, notFound } from '../errors.js';
import { requireRole } from '../privacy/auth.js';
import type { SegmentContactModel } from './segments.js';
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
    contacts: async (segment, { useCase, first, after }, { services, loaders }) => {
      const size = first ?? 50;
      if (size < 1 || size > 100) throw badUserInput('first must be between 1 and 100', { field: 'first' });
      const policy = await services.resolution.useCase(useCase);
      if (!policy) throw notFound(`No use case named "${useCase}"; define it with defineUseCase`);
      const page = await services.segments.members(segment, size, after ?? null);
      const result = { contacts: [] as SegmentContactModel[], ambiguous: 0, suppressed: 0, samePerson: 0 };
      const reached = new Set<string>();
      for (const { node: persona } of page.edges) {
        const held = await loaders.identity.identifiersOfPersona.load(persona.id);
        const anchor = held.find((i) => policy.contactTypes.includes(i.type)) ?? held[0];
        if (!anchor) {
          result.suppressed++;
          continue;
        }
        const r = await services.resolution.resolve(anchor, useCase);
        if (r.suppressions.some((s) => s.code === 'AMBIGUOUS')) result.ambiguous++;
        else if (!r.contact) result.suppressed++;
        else if (reached.has(r.person?.id ?? persona.id)) result.samePerson++;
        else {
          reached.add(r.person?.id ?? persona.id);
          result.contacts.push({ persona, person: r.person, contact: r.contact, confidence: r.confidence });
        }
      }
      return { ...result, pageInfo: page.pageInfo };
    },
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
