// The change feed's resolvers: thin, each one service call. Every feed operation needs the
// "subscribe" role: integrators hold it, and the replay query serves the same data as subscriptions.
import { requireRole } from '../access/auth.js';
import { badUserInput } from '../errors.js';
import type { Resolvers } from '../generated/graphql.js';
import { maskChangeData, mayReadPii } from '../access/masking.js';
import type { ChangeModel } from './changes.model.js';
import { formatCursor } from './changes.service.js';

const passThrough = (change: ChangeModel) => change;

export const changesResolvers: Resolvers = {
  Query: {
    changes: (_, args, { services, auth }) => {
      requireRole(auth, 'subscribe');
      return services.changes.page(args);
    },
    latestChangeCursor: (_, __, { services, auth }) => {
      requireRole(auth, 'subscribe');
      return services.changes.latestCursor();
    },
  },
  Subscription: {
    changes: {
      subscribe: (_, { after, types }, { services, auth }) => {
        requireRole(auth, 'subscribe');
        return services.changes.subscribe({ types }, after);
      },
      resolve: passThrough,
    },
    profileChanged: {
      subscribe: (_, { personaId, personId, after }, { services, auth }) => {
        requireRole(auth, 'subscribe');
        if (!personaId === !personId) {
          throw badUserInput('profileChanged needs exactly one of personaId and personId');
        }
        return services.changes.subscribe({ personaId, personId }, after);
      },
      resolve: passThrough,
    },
  },
  Change: {
    cursor: (change) => formatCursor(change.seq),
    // Identifier values (emails, phones) in a change are personal data: only the pii role sees them.
    data: (change, _, { auth }) =>
      mayReadPii(auth) ? change.data : maskChangeData(change.type, change.data),
  },
  ChangeConnection: {
    edges: (page) => page.changes.map((change) => ({ cursor: formatCursor(change.seq), node: change })),
    nodes: (page) => page.changes,
    pageInfo: (page) => ({ endCursor: page.endCursor, hasNextPage: page.hasNextPage }),
  },
};
