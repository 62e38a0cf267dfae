// Thin resolvers for export, erasure and the audit log.
import type { Resolvers } from '../generated/graphql.js';
import { requireRole } from '../access/auth.js';

export const privacyResolvers: Resolvers = {
  Query: {
    exportPerson: (_, { id }, { services, auth }) => {
      requireRole(auth, 'pii');
      return services.privacy.export({ personId: id, personaId: null });
    },
    exportPersona: (_, { id }, { services, auth }) => {
      requireRole(auth, 'pii');
      return services.privacy.export({ personId: null, personaId: id });
    },
    auditLog: (_, { first, after }, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.privacy.auditLog(first, after);
    },
  },
  Mutation: {
    erasePerson: (_, { id, reason }, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.privacy.erase({ personId: id, personaId: null }, reason);
    },
    erasePersona: (_, { id, reason }, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.privacy.erase({ personId: null, personaId: id }, reason);
    },
  },
};
