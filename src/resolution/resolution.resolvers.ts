// Thin resolvers for use cases and resolution.
import { requireRole } from '../access/auth.js';
import type { Resolvers } from '../generated/graphql.js';

export const resolutionResolvers: Resolvers = {
  Query: {
    resolve: (_, { identifier, useCase, at }, { services, auth }) => {
      requireRole(auth, 'read');
      return services.resolution.resolve(identifier, useCase, at ?? null);
    },
    resolveMany: (_, { identifiers, useCase, at }, { services, auth }) => {
      requireRole(auth, 'read');
      return services.resolution.resolveMany(identifiers, useCase, at ?? null);
    },
    useCase: (_, { name }, { services, auth }) => {
      requireRole(auth, 'read');
      return services.resolution.useCase(name);
    },
    useCases: (_, __, { services, auth }) => {
      requireRole(auth, 'read');
      return services.resolution.useCases();
    },
  },
  Mutation: {
    defineUseCase: (_, { input }, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.resolution.defineUseCase(input);
    },
  },
};
