// Thin resolvers for link suggestions (admin only): arguments → one service or loader call → model.
import { requireRole } from '../access/auth.js';
import { maskIdentifier, mayReadPii } from '../access/masking.js';
import type { Resolvers } from '../generated/graphql.js';

export const matchingResolvers: Resolvers = {
  Query: {
    suggestions: (_, args, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.matching.suggestions(args);
    },
    matching: (_, __, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.matching.matching();
    },
  },
  Mutation: {
    defineMatching: (_, { input }, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.matching.defineMatching(input);
    },
    suggestLinks: (_, { input }, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.matching.suggestLinks(input);
    },
    reviewSuggestion: (_, { id, verdict, reason }, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.matching.review(id, verdict, reason);
    },
  },
  Persona: {
    suggestions: (persona, { status }, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.matching.suggestionsOfPersona(persona.id, status ?? 'OPEN');
    },
  },
  Suggestion: {
    personas: async (suggestion, _, { loaders }) => {
      const personas = await Promise.all(
        suggestion.personaIds.map((id) => loaders.identity.persona.load(id)),
      );
      // A persona erased since is gone from the pair (erasure removes its suggestions too).
      return personas.filter((p) => p !== null && p !== undefined);
    },
    // Identifier values are personal data: callers without the pii role see a hint, as everywhere.
    comparisons: (suggestion, _, { auth }) =>
      suggestion.comparisons.map((c) => {
        const mask = (value: string | null) =>
          value === null || c.identifierType === null || mayReadPii(auth)
            ? value
            : maskIdentifier({ type: c.identifierType, value });
        return { field: c.field, left: mask(c.left), right: mask(c.right), level: c.level, weight: c.weight };
      }),
  },
};
