// Streams resolvers: thin. Admin only: topics and lag describe the deployment, not a profile.
import type { Resolvers } from '../generated/graphql.js';
import { requireRole } from '../access/auth.js';

export const streamsResolvers: Resolvers = {
  Query: {
    streams: (_, __, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.streams.status();
    },
  },
};
