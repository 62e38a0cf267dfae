// Webhook resolvers: thin, each one service call. Every webhook operation needs the admin role: a
// webhook sends the feed to a URL of its definer's choosing.
import type { Resolvers } from '../generated/graphql.js';
import { requireRole } from '../access/auth.js';
import { formatCursor } from './changes.service.js';

export const webhooksResolvers: Resolvers = {
  Query: {
    webhooks: (_, __, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.webhooks.list();
    },
  },
  Mutation: {
    defineWebhook: (_, { input }, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.webhooks.define(input);
    },
    removeWebhook: (_, { id }, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.webhooks.remove(id);
    },
    replayDeadLetters: (_, { id }, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.webhooks.replayDeadLetters(id);
    },
  },
  Webhook: {
    cursor: (webhook) => (webhook.cursor === null ? null : formatCursor(webhook.cursor)),
    lagSeconds: (webhook, _, { services }) => services.webhooks.lagSeconds(webhook),
    deadLetters: (webhook, _, { services }) => services.webhooks.deadLetters(webhook),
  },
};
