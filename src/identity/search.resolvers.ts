// Thin resolvers for the frontend reads: search, persona timelines, identifier ids and masking flags.
import type { Resolvers } from '../generated/graphql.js';
import { requireRole } from '../access/auth.js';
import { mayReadPii } from '../access/masking.js';

export const searchResolvers: Resolvers = {
  Query: {
    search: (_, { text, first }, { services, auth }) => {
      requireRole(auth, 'read');
      // Without pii, a search by value would confirm that an address is known: keys and labels only.
      return services.search.search(text, first, mayReadPii(auth));
    },
  },
  SearchHit: {
    matched: (hit, _, { services, auth }) =>
      hit.field === 'IDENTIFIER' && hit.identifier && !mayReadPii(auth)
        ? services.search.maskedValue(hit.identifier)
        : hit.matched,
  },
  Persona: {
    events: (persona, { first, after }, { services }) =>
      services.search.personaEvents(persona.id, first, after),
  },
  Identifier: {
    id: (identifier, _, { services }) => services.search.identifierId(identifier),
    masked: (_, __, { auth }) => !mayReadPii(auth),
  },
};
