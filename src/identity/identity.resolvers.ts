// Thin resolvers for identifiers, personas, persons, devices and events: arguments → one service or
// loader call → model.
import { selects } from '../lookahead.js';
import { requireRole } from '../access/auth.js';
import { badUserInput } from '../errors.js';
import type { Resolvers } from '../generated/graphql.js';
import { isFactMasked, maskedValue, maskIdentifier, mayReadPii } from '../access/masking.js';

export const identityResolvers: Resolvers = {
  Query: {
    identifier: async (_, args, { services, loaders, auth }) => {
      requireRole(auth, 'read');
      const key = await services.identity.tryNormalize(args);
      return key ? loaders.identity.identifier.load(key) : null;
    },
    personas: (_, { keys }, { loaders, auth }, info) => {
      requireRole(auth, 'read');
      if (keys.length < 1 || keys.length > 100) throw badUserInput('Give 1 to 100 keys', { field: 'keys' });
      const loader = selects(info, ['identifiers', 'devices', 'personas'])
        ? loaders.identity.personaTreeByKey
        : loaders.identity.personaByKey;
      return Promise.all(keys.map((key) => loader.load(key)));
    },
    persona: (_, { id, key }, { loaders, auth }, info) => {
      requireRole(auth, 'read');
      if ((id ? 1 : 0) + (key ? 1 : 0) !== 1) throw badUserInput('Give exactly one of id or key');
      if (id) return loaders.identity.persona.load(id);
      // Asked for the whole tree below: one statement for every level (the bench's nested read).
      return selects(info, ['identifiers', 'devices', 'personas'])
        ? loaders.identity.personaTreeByKey.load(key!)
        : loaders.identity.personaByKey.load(key!);
    },
    person: (_, { id }, { loaders, auth }) => {
      requireRole(auth, 'read');
      return loaders.identity.person.load(id);
    },
    event: async (_, { id }, { services, auth }) => {
      requireRole(auth, 'read');
      return services.identity.event(id);
    },
    identifierTypes: (_, __, { services, auth }) => {
      requireRole(auth, 'read');
      return services.identity.identifierTypes();
    },
  },
  Mutation: {
    ingest: (_, { events }, { services, auth }) => {
      requireRole(auth, 'write');
      return services.ingest.ingest(events);
    },
    defineIdentifierType: (_, { input }, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.identity.defineIdentifierType(input);
    },
    linkPersonas: (_, { a, b, evidence }, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.identity.linkPersonas(a, b, evidence);
    },
    unlinkPersonas: (_, { a, b, reason }, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.identity.unlinkPersonas(a, b, reason);
    },
    detachIdentifier: (_, { persona, identifier, reason }, { services, auth }) => {
      requireRole(auth, 'admin');
      return services.identity.detachIdentifier(persona, identifier, reason);
    },
  },
  Identifier: {
    // Identifier values are personal data: callers without the pii role see a hint, not the value.
    value: (identifier, _, { auth }) => (mayReadPii(auth) ? identifier.value : maskIdentifier(identifier)),
    personas: (identifier, _, { loaders }) => loaders.identity.personasOfIdentifier.load(identifier),
    devices: (identifier, _, { loaders }) =>
      identifier.prefetchedDevices ?? loaders.identity.devicesOfIdentifier.load(identifier),
    memberships: (identifier, _, { loaders }) => loaders.identity.membershipsOfIdentifier.load(identifier),
  },
  Persona: {
    person: (persona, _, { loaders }) => loaders.identity.personOfPersona.load(persona.id),
    identifiers: (persona, _, { loaders }, info) =>
      persona.prefetchedIdentifiers ??
      (selects(info, ['devices', 'personas'])
        ? loaders.identity.identifierTreesOfPersona.load(persona.id)
        : loaders.identity.identifiersOfPersona.load(persona.id)),
    devices: (persona, _, { loaders }) => loaders.identity.devicesOfPersona.load(persona.id),
    facts: (persona, _, { loaders }) => loaders.identity.factsOfPersona.load(persona.id),
    consents: (persona, _, { loaders }) => loaders.identity.consentsOfPersona.load(persona.id),
  },
  Person: {
    personas: (person, _, { loaders }) => loaders.identity.personasOfPerson.load(person.id),
  },
  Device: {
    identifiers: (device, _, { loaders }) => loaders.identity.identifiersOfDevice.load(device.id),
    personas: (device, _, { loaders }) =>
      device.prefetchedPersonas ?? loaders.identity.personasOfDevice.load(device.id),
  },
  Fact: {
    // Health and other sensitive facts are shown only to callers with the pii role.
    value: (fact, _, { auth }) => (isFactMasked(fact, auth) ? maskedValue : fact.value),
    masked: (fact, _, { auth }) => isFactMasked(fact, auth),
  },
  Consent: {
    identifier: (consent, _, { loaders }) =>
      consent.identifier ? loaders.identity.identifier.load(consent.identifier) : null,
  },
  Event: {
    persona: (event, _, { loaders }) =>
      event.personaId ? loaders.identity.persona.load(event.personaId) : null,
    identifiers: (event) => event.identifiers ?? [],
    mentions: (event) => event.mentions ?? [],
  },
};
