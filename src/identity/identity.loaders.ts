// Per-request DataLoaders: each batch is one query, results in key order, so a nested query costs a
// number of round trips bounded by its depth, not by its rows.
import DataLoader from 'dataloader';
import type {
  ConsentModel,
  DeviceModel,
  FactModel,
  IdentifierKey,
  IdentifierModel,
  MembershipModel,
  PersonaModel,
  PersonModel,
} from './identity.model.js';
import { identifierKey } from './identity.model.js';
import type { IdentityRepository } from './identity.repository.js';

function groupBy<R, K, V>(rows: R[], key: (r: R) => K, value: (r: R) => V): Map<K, V[]> {
  const groups = new Map<K, V[]>();
  for (const row of rows) {
    const k = key(row);
    const list = groups.get(k);
    if (list) list.push(value(row));
    else groups.set(k, [value(row)]);
  }
  return groups;
}

export function createIdentityLoaders(repo: IdentityRepository) {
  const loaders = {
    persona: new DataLoader<string, PersonaModel | null>(async (ids) => {
      const found = new Map((await repo.personasByIds(ids)).map((p) => [p.id, p]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    personaByKey: new DataLoader<string, PersonaModel | null>(async (keys) => {
      const found = new Map((await repo.personasByKeys(keys)).map((p) => [p.key, p]));
      return keys.map((key) => found.get(key) ?? null);
    }),
    person: new DataLoader<string, PersonModel | null>(async (ids) => {
      const found = new Set(await repo.personsByIds(ids));
      return ids.map((id) => (found.has(id) ? { id } : null));
    }),
    personOfPersona: new DataLoader<string, PersonModel | null>(async (ids) => {
      const found = new Map((await repo.personOfPersonas(ids)).map((r) => [r.personaId, r.personId]));
      return ids.map((id) => {
        const personId = found.get(id);
        return personId ? { id: personId } : null;
      });
    }),
    personasOfPerson: new DataLoader<string, PersonaModel[]>(async (ids) => {
      const groups = groupBy(
        await repo.personasOfPersons(ids),
        (r) => r.personId,
        (r) => r.persona,
      );
      return ids.map((id) => groups.get(id) ?? []);
    }),
    identifiersOfPersona: new DataLoader<string, IdentifierModel[]>(async (ids) => {
      const groups = groupBy(
        await repo.identifiersOfPersonas(ids),
        (r) => r.personaId,
        (r) => r.identifier,
      );
      return ids.map((id) => groups.get(id) ?? []);
    }),
    devicesOfPersona: new DataLoader<string, DeviceModel[]>(async (ids) => {
      const groups = groupBy(
        await repo.devicesOfPersonas(ids),
        (r) => r.personaId,
        (r) => r.device,
      );
      return ids.map((id) => groups.get(id) ?? []);
    }),
    factsOfPersona: new DataLoader<string, (FactModel & { sensitive: boolean })[]>(async (ids) => {
      const groups = groupBy(
        await repo.factsOfPersonas(ids),
        (r) => r.personaId!,
        (r) => r,
      );
      return ids.map((id) => groups.get(id) ?? []);
    }),
    consentsOfPersona: new DataLoader<string, ConsentModel[]>(async (ids) => {
      const groups = groupBy(
        await repo.consentsOfPersonas(ids),
        (r) => r.personaId,
        (r) => r,
      );
      return ids.map((id) => groups.get(id) ?? []);
    }),
    identifier: new DataLoader<IdentifierKey, IdentifierModel | null, string>(
      async (keys) => {
        const found = new Map((await repo.identifiersByKeys(keys)).map((i) => [identifierKey(i), i]));
        return keys.map((k) => found.get(identifierKey(k)) ?? null);
      },
      { cacheKeyFn: identifierKey },
    ),
    personasOfIdentifier: new DataLoader<IdentifierKey, PersonaModel[], string>(
      async (keys) => {
        const groups = groupBy(await repo.personasOfIdentifiers(keys), identifierKey, (r) => r.persona);
        return keys.map((k) => groups.get(identifierKey(k)) ?? []);
      },
      { cacheKeyFn: identifierKey },
    ),
    membershipsOfIdentifier: new DataLoader<IdentifierKey, MembershipModel[], string>(
      async (keys) => {
        const groups = groupBy(await repo.membershipsOfIdentifiers(keys), identifierKey, (r) => ({
          persona: r.persona,
          from: r.from,
          lastSeen: r.lastSeen,
          strength: r.strength,
          to: r.to,
          endedBy: r.endedBy,
        }));
        return keys.map((k) => groups.get(identifierKey(k)) ?? []);
      },
      { cacheKeyFn: identifierKey },
    ),
    devicesOfIdentifier: new DataLoader<IdentifierKey, DeviceModel[], string>(
      async (keys) => {
        const groups = groupBy(await repo.devicesOfIdentifiers(keys), identifierKey, (r) => r.device);
        return keys.map((k) => groups.get(identifierKey(k)) ?? []);
      },
      { cacheKeyFn: identifierKey },
    ),
    identifiersOfDevice: new DataLoader<string, IdentifierModel[]>(async (ids) => {
      const groups = groupBy(
        await repo.identifiersOfDevices(ids),
        (r) => r.deviceId,
        (r) => r.identifier,
      );
      return ids.map((id) => groups.get(id) ?? []);
    }),
    personasOfDevice: new DataLoader<string, PersonaModel[]>(async (ids) => {
      const groups = groupBy(
        await repo.personasOfDevices(ids),
        (r) => r.deviceId,
        (r) => r.persona,
      );
      return ids.map((id) => groups.get(id) ?? []);
    }),
  };
  /**
   * The levels below a persona's identifiers, read ahead: each identifier carries its devices and each
   * device its personas, which the resolvers return as they are (no loader, no promise per field);
   * the loaders are primed too, for the same rows asked another way in the same operation.
   */
  const withLevelsBelow = (
    trees: { identifier: IdentifierModel; devices: (DeviceModel & { personas: PersonaModel[] })[] }[],
  ): IdentifierModel[] =>
    trees.map(({ identifier, devices }) => {
      const prefetchedDevices = devices.map(({ personas, ...device }) => ({
        ...device,
        prefetchedPersonas: personas,
      }));
      loaders.devicesOfIdentifier.prime(identifier, prefetchedDevices);
      for (const device of prefetchedDevices)
        loaders.personasOfDevice.prime(device.id, device.prefetchedPersonas);
      return { ...identifier, prefetchedDevices };
    });
  const identifierTreesOfPersona = new DataLoader<string, IdentifierModel[]>(async (ids) => {
    const rows = await repo.identifierTreesOfPersonas(ids);
    const identifiers = withLevelsBelow(rows);
    const groups = groupBy(
      rows.map((r, n) => ({ personaId: r.personaId, identifier: identifiers[n]! })),
      (r) => r.personaId,
      (r) => r.identifier,
    );
    for (const id of ids) loaders.identifiersOfPersona.prime(id, groups.get(id) ?? []);
    return ids.map((id) => groups.get(id) ?? []);
  });
  return {
    ...loaders,
    /**
     * A persona's identifiers when the operation also asks for their devices and those devices'
     * personas: one statement for the three levels, read ahead onto the identifiers.
     */
    identifierTreesOfPersona,
    /**
     * Personas by key when the operation asks for identifiers → devices → personas below them: the
     * four levels in one statement, read ahead onto the personas.
     */
    personaTreeByKey: new DataLoader<string, PersonaModel | null>(async (keys) => {
      const rows = await repo.personaTreesByKeys(keys);
      const personas = rows.map((row) => {
        const prefetchedIdentifiers = withLevelsBelow(row.identifiers);
        const persona = { ...row.persona, prefetchedIdentifiers };
        loaders.persona.prime(persona.id, persona);
        loaders.personaByKey.prime(persona.key, persona);
        loaders.identifiersOfPersona.prime(persona.id, prefetchedIdentifiers);
        identifierTreesOfPersona.prime(persona.id, prefetchedIdentifiers);
        return persona;
      });
      const found = new Map(personas.map((p) => [p.key, p]));
      return keys.map((key) => found.get(key) ?? null);
    }),
  };
}

export type IdentityLoaders = ReturnType<typeof createIdentityLoaders>;
