// Thin resolvers for identifiers, personas, persons, devices and events: arguments → one service or
// loader call → model.
import { requireRole } from '../access/auth.js';
import { badUserInput } from '../errors.js';
import type { Resolvers } from '../generated/graphql.js';
import { isFactMasked, maskedValue, maskIdentifier, mayReadPii } from '../access/masking.js';
import type { IdentifierModel, PersonaModel, PersonModel, WithPrefetched } from './identity.model.js';
import type { GraphQLResolveInfo } from 'graphql';
import { planNestedRead, prefetchedFor } from './nested.plan.js';

/**
 * What the root's nested read fetched for this field on this parent (null included), else what the
 * loader answers (a field asked too deep, or compiling off): the plan put there exactly what the
 * loader would return.
 */
function readAhead<T>(parent: WithPrefetched, info: GraphQLResolveInfo, load: () => T): T {
  const ahead = prefetchedFor<T>(parent, info);
  return ahead ? ahead.value : load();
}

export const identityResolvers: Resolvers = {
  Query: {
    identifier: async (_, args, { services, loaders, auth }, info) => {
      requireRole(auth, 'read');
      const key = await services.identity.tryNormalize(args);
      if (!key) return null;
      const plan = planNestedRead(info, 'identifier-by-key', loaders.identity.nestedDepth);
      if (!plan) return loaders.identity.identifier.load(key);
      return (await loaders.identity.nested.load({ plan, params: { ...key } })) as IdentifierModel | null;
    },
    personas: async (_, { keys }, { loaders, auth }, info) => {
      requireRole(auth, 'read');
      if (keys.length < 1 || keys.length > 100) throw badUserInput('Give 1 to 100 keys', { field: 'keys' });
      const plan = planNestedRead(info, 'personas-by-keys', loaders.identity.nestedDepth);
      if (!plan) return Promise.all(keys.map((key) => loaders.identity.personaByKey.load(key)));
      const found = (await loaders.identity.nested.load({ plan, params: { keys } })) as PersonaModel[];
      const byKey = new Map(found.map((p) => [p.key, p]));
      return keys.map((key) => byKey.get(key) ?? null);
    },
    persona: async (_, { id, key }, { loaders, auth }, info) => {
      requireRole(auth, 'read');
      if ((id ? 1 : 0) + (key ? 1 : 0) !== 1) throw badUserInput('Give exactly one of id or key');
      // The persona and every level asked below it (to NESTED_READ_DEPTH): one statement.
      const plan = planNestedRead(
        info,
        id ? 'persona-by-id' : 'persona-by-key',
        loaders.identity.nestedDepth,
      );
      if (!plan) return id ? loaders.identity.persona.load(id) : loaders.identity.personaByKey.load(key!);
      const params = id ? { id } : { key };
      return (await loaders.identity.nested.load({ plan, params })) as PersonaModel | null;
    },
    person: async (_, { id }, { loaders, auth }, info) => {
      requireRole(auth, 'read');
      const plan = planNestedRead(info, 'person-by-id', loaders.identity.nestedDepth);
      if (!plan) return loaders.identity.person.load(id);
      return (await loaders.identity.nested.load({ plan, params: { id } })) as PersonModel | null;
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
    // Each relation: what the nested read put on the parent for this field, else its loader.
    personas: (identifier, _, { loaders }, info) =>
      readAhead(identifier, info, () => loaders.identity.personasOfIdentifier.load(identifier)),
    devices: (identifier, _, { loaders }, info) =>
      readAhead(identifier, info, () => loaders.identity.devicesOfIdentifier.load(identifier)),
    memberships: (identifier, _, { loaders }, info) =>
      readAhead(identifier, info, () => loaders.identity.membershipsOfIdentifier.load(identifier)),
  },
  Persona: {
    person: (persona, _, { loaders }, info) =>
      readAhead(persona, info, () => loaders.identity.personOfPersona.load(persona.id)),
    identifiers: (persona, _, { loaders }, info) =>
      readAhead(persona, info, () => loaders.identity.identifiersOfPersona.load(persona.id)),
    devices: (persona, _, { loaders }, info) =>
      readAhead(persona, info, () => loaders.identity.devicesOfPersona.load(persona.id)),
    facts: (persona, _, { loaders }, info) =>
      readAhead(persona, info, () => loaders.identity.factsOfPersona.load(persona.id)),
    consents: (persona, _, { loaders }, info) =>
      readAhead(persona, info, () => loaders.identity.consentsOfPersona.load(persona.id)),
  },
  Person: {
    personas: (person, _, { loaders }, info) =>
      readAhead(person, info, () => loaders.identity.personasOfPerson.load(person.id)),
  },
  Device: {
    identifiers: (device, _, { loaders }, info) =>
      readAhead(device, info, () => loaders.identity.identifiersOfDevice.load(device.id)),
    personas: (device, _, { loaders }, info) =>
      readAhead(device, info, () => loaders.identity.personasOfDevice.load(device.id)),
  },
  Fact: {
    // Health and other sensitive facts are shown only to callers with the pii role.
    value: (fact, _, { auth }) => (isFactMasked(fact, auth) ? maskedValue : fact.value),
    masked: (fact, _, { auth }) => isFactMasked(fact, auth),
  },
  Consent: {
    identifier: (consent, _, { loaders }, info) =>
      readAhead(consent, info, () =>
        consent.identifier ? loaders.identity.identifier.load(consent.identifier) : null,
      ),
  },
  Event: {
    persona: (event, _, { loaders }) =>
      event.personaId ? loaders.identity.persona.load(event.personaId) : null,
    identifiers: (event) => event.identifiers ?? [],
    mentions: (event) => event.mentions ?? [],
  },
};
