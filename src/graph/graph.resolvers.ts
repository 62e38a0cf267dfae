// Health: proof that the service reaches a real database, read from the database itself.
import type { Resolvers } from '../generated/graphql.js';

export const graphResolvers: Resolvers = {
  Query: {
    health: (_, __, { services }) => services.health.health(),
  },
};
