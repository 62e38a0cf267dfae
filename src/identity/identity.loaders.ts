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
import { type NestedReadRepository, type NestedRequest, recipeOf } from './nested.repository.js';

function groupBy<R, K, V>(rows: readonly R[], key: (r: R) => K, value: (r: R) => V): Map<K, V[]> {
  const groups = new Map<K, V[]>();
  for (const row of rows) {
    const k = key(row);
    const list = groups.get(k);
    if (list) list.push(value(row));
    else groups.set(k, [value(row)]);
  }
  return groups;
}

/** What a loader asks of its batch: the statement, and where each row goes. */
interface BatchShape<K, R, V, C> {
  /** The one statement a batch of keys costs. */
  rows: (keys: readonly K[]) => Promise<readonly R[]>;
  /** Which key a row answers, spelled as the cache spells keys. */
  keyOf: (row: R) => C;
  /** What the loader hands out for a row. */
  valueOf: (row: R) => V;
  /** How the cache spells a key that is not a string (an identifier's type and value). */
  cacheKeyFn?: (key: K) => C;
}

/** The one shape of these loaders: a statement per batch, its rows grouped back onto the keys. */
function batchLoader<K, R, V, C, Out>(
  { rows, keyOf, valueOf, cacheKeyFn }: BatchShape<K, R, V, C>,
  answer: (values: V[] | undefined) => Out,
): DataLoader<K, Out, C> {
  const cacheKey = cacheKeyFn ?? ((key: K) => key as unknown as C);
  return new DataLoader<K, Out, C>(async (keys) => {
    const groups = groupBy(await rows(keys), keyOf, valueOf);
    return keys.map((key) => answer(groups.get(cacheKey(key))));
  }, cacheKeyFn && { cacheKeyFn });
}

/** Each key's rows; a key without any gets []. */
const listsOf = <K, R, V, C = K>(shape: BatchShape<K, R, V, C>) =>
  batchLoader(shape, (values) => values ?? []);

/** Each key's row; a key without one gets null (of two rows, the last, as a Map keeps it). */
const oneOf = <K, R, V, C = K>(shape: BatchShape<K, R, V, C>) =>
  batchLoader(shape, (values) => values?.at(-1) ?? null);

const itself = <T>(row: T) => row;
const byIdentifier = { keyOf: identifierKey, cacheKeyFn: identifierKey };

export function createIdentityLoaders(
  repo: IdentityRepository,
  nested: NestedReadRepository,
  nestedDepth: number,
) {
  return {
    ...createRowLoaders(repo),
    /**
     * The root fields of an operation, each with the relations its plan reads ahead below it: one
     * statement for all of them (the roots asked in one tick), whatever their shapes.
     */
    nested: new DataLoader<NestedRequest, unknown, string>((requests) => nested.read(requests), {
      cacheKeyFn: (r) => `${recipeOf(r.plan)} ${JSON.stringify(r.params)}`,
    }),
    /** How many levels below a root the nested read compiles (0: none, the loaders answer each). */
    nestedDepth,
  };
}

/** A loader per relation, each the rows of one statement. */
function createRowLoaders(repo: IdentityRepository) {
  return { ...personaLoaders(repo), ...identifierLoaders(repo), ...deviceLoaders(repo) };
}

/** The loaders keyed by a persona's id or key, or a person's id. */
function personaLoaders(repo: IdentityRepository) {
  return {
    persona: oneOf({
      rows: (ids: readonly string[]) => repo.personasByIds(ids),
      keyOf: (p) => p.id,
      valueOf: itself,
    }),
    personaByKey: oneOf({
      rows: (keys: readonly string[]) => repo.personasByKeys(keys),
      keyOf: (p) => p.key,
      valueOf: itself,
    }),
    person: oneOf({
      rows: (ids: readonly string[]) => repo.personsByIds(ids),
      keyOf: itself,
      valueOf: (id): PersonModel => ({ id }),
    }),
    personOfPersona: oneOf({
      rows: (ids: readonly string[]) => repo.personOfPersonas(ids),
      keyOf: (r) => r.personaId,
      valueOf: (r): PersonModel => ({ id: r.personId }),
    }),
    personasOfPerson: listsOf({
      rows: (ids: readonly string[]) => repo.personasOfPersons(ids),
      keyOf: (r) => r.personId,
      valueOf: (r) => r.persona,
    }),
    identifiersOfPersona: listsOf({
      rows: (ids: readonly string[]) => repo.identifiersOfPersonas(ids),
      keyOf: (r) => r.personaId,
      valueOf: (r): IdentifierModel => r.identifier,
    }),
    devicesOfPersona: listsOf({
      rows: (ids: readonly string[]) => repo.devicesOfPersonas(ids),
      keyOf: (r) => r.personaId,
      valueOf: (r): DeviceModel => r.device,
    }),
    factsOfPersona: listsOf({
      rows: (ids: readonly string[]) => repo.factsOfPersonas(ids),
      keyOf: (r) => r.personaId!,
      valueOf: (r): FactModel & { sensitive: boolean } => r,
    }),
    consentsOfPersona: listsOf({
      rows: (ids: readonly string[]) => repo.consentsOfPersonas(ids),
      keyOf: (r) => r.personaId,
      valueOf: (r): ConsentModel => r,
    }),
  };
}

/** The loaders keyed by an identifier (its type and value). */
function identifierLoaders(repo: IdentityRepository) {
  return {
    identifier: oneOf({
      rows: (keys: readonly IdentifierKey[]) => repo.identifiersByKeys(keys),
      ...byIdentifier,
      valueOf: (i): IdentifierModel => i,
    }),
    personasOfIdentifier: listsOf({
      rows: (keys: readonly IdentifierKey[]) => repo.personasOfIdentifiers(keys),
      ...byIdentifier,
      valueOf: (r) => r.persona,
    }),
    membershipsOfIdentifier: listsOf({
      rows: (keys: readonly IdentifierKey[]) => repo.membershipsOfIdentifiers(keys),
      ...byIdentifier,
      valueOf: (r): MembershipModel => ({
        persona: r.persona,
        from: r.from,
        lastSeen: r.lastSeen,
        strength: r.strength,
        to: r.to,
        endedBy: r.endedBy,
      }),
    }),
    devicesOfIdentifier: listsOf({
      rows: (keys: readonly IdentifierKey[]) => repo.devicesOfIdentifiers(keys),
      ...byIdentifier,
      valueOf: (r): DeviceModel => r.device,
    }),
  };
}

/** The loaders keyed by a device's id. */
function deviceLoaders(repo: IdentityRepository) {
  return {
    identifiersOfDevice: listsOf({
      rows: (ids: readonly string[]) => repo.identifiersOfDevices(ids),
      keyOf: (r) => r.deviceId,
      valueOf: (r): IdentifierModel => r.identifier,
    }),
    personasOfDevice: listsOf({
      rows: (ids: readonly string[]) => repo.personasOfDevices(ids),
      keyOf: (r) => r.deviceId,
      valueOf: (r): PersonaModel => r.persona,
    }),
  };
}

export type IdentityLoaders = ReturnType<typeof createIdentityLoaders>;
