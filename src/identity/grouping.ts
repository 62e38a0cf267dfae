// Persons from evidence: personas are grouped by shared identifiers within their type's limit and by
// active assertions. Any change to that evidence regroups the personas it touches, undoably: persons
// are recomputed, never merged destructively.
import { randomUUID } from 'node:crypto';
import type { ChangeInput } from '../changes/changes.model.js';
import type { Tx } from '../graph/run.js';
import type { IdentityRepository } from './identity.repository.js';

export interface Regrouping {
  changes: ChangeInput[];
  /** The person of every persona the regrouping looked at, after it. */
  personOf: Map<string, string>;
}

/** Connected components over the grouping edges, in a stable order (by smallest member id). */
export function components(ids: Iterable<string>, edges: [string, string][]): string[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  for (const id of ids) parent.set(id, id);
  for (const [a, b] of edges) {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
  const groups = new Map<string, string[]>();
  for (const id of parent.keys()) {
    const root = find(id);
    groups.set(root, [...(groups.get(root) ?? []), id]);
  }
  return [...groups.values()].map((g) => g.sort()).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

/**
 * Chooses a person for each component: the current person holding most of its members keeps its id
 * (so ids stay stable across regroupings); a component with none gets a new person.
 */
export function assignPersons(groups: string[][], current: Map<string, string | null>) {
  const claimed = new Set<string>();
  return groups.map((members) => {
    const counts = new Map<string, number>();
    for (const m of members) {
      const p = current.get(m);
      if (p) counts.set(p, (counts.get(p) ?? 0) + 1);
    }
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const kept = ranked.find(([p]) => !claimed.has(p))?.[0];
    const personId = kept ?? randomUUID();
    claimed.add(personId);
    return { members, personId, previous: [...counts.keys()] };
  });
}

/** The persons of some personas after a regrouping, without repeats: a change's personIds. */
export function personIdsOf(regrouping: Regrouping, personaIds: string[]): string[] {
  return [
    ...new Set(personaIds.map((id) => regrouping.personOf.get(id)).filter((p): p is string => Boolean(p))),
  ];
}

/** IDENTIFIER_SHARED changes for identifiers whose shared flag flipped (either way). */
export function sharedFlagChanges(
  rows: { type: string; value: string; shared: boolean; flipped: boolean; holderIds: string[] }[],
  regrouping: Regrouping,
): ChangeInput[] {
  return rows
    .filter((r) => r.flipped)
    .map((r) => ({
      type: 'IDENTIFIER_SHARED',
      personaIds: r.holderIds,
      personIds: personIdsOf(regrouping, r.holderIds),
      data: { type: r.type, value: r.value, shared: r.shared },
    }));
}

export async function regroup(
  tx: Tx,
  repo: IdentityRepository,
  seeds: Iterable<string>,
): Promise<Regrouping> {
  let frontier = [...new Set(seeds)];
  const personOf = new Map<string, string>();
  if (frontier.length === 0) return { changes: [], personOf };
  await repo.lockGrouping(tx);

  const known = new Set<string>();
  const current = new Map<string, string | null>();
  const edges: [string, string][] = [];
  while (frontier.length > 0) {
    for (const id of frontier) known.add(id);
    const next = new Set<string>();
    for (const row of await repo.currentPersons(tx, frontier)) {
      current.set(row.personaId, row.personId);
      // The other members of a current person are regrouped too: the change may split them off.
      for (const member of row.memberIds) if (!known.has(member)) next.add(member);
    }
    for (const row of await repo.groupingNeighbours(tx, frontier)) {
      edges.push([row.id, row.neighbourId]);
      if (!known.has(row.neighbourId)) next.add(row.neighbourId);
    }
    frontier = [...next];
  }

  const plan = assignPersons(components(known, edges), current);
  const assignments = plan.flatMap(({ members, personId }) =>
    members.filter((m) => current.get(m) !== personId).map((personaId) => ({ personaId, personId })),
  );
  await repo.assignPersons(
    tx,
    assignments.sort((a, b) => (a.personaId < b.personaId ? -1 : 1)),
  );
  const kept = new Set(plan.map((p) => p.personId));
  const previousPersons = new Set([...current.values()].filter((p): p is string => Boolean(p)));
  await repo.removeEmptyPersons(
    tx,
    [...previousPersons].filter((p) => !kept.has(p)),
  );

  const changes: ChangeInput[] = [];
  for (const { members, personId, previous } of plan) {
    for (const m of members) personOf.set(m, personId);
    const absorbed = previous.filter((p) => p !== personId);
    if (absorbed.length > 0 || (previous.length > 0 && members.some((m) => !current.get(m)))) {
      changes.push({
        type: 'PERSON_GROUPED',
        personaIds: members,
        personIds: [personId, ...absorbed],
        data: { personId, absorbed },
      });
    }
  }
  for (const old of previousPersons) {
    const into = plan.filter((p) => p.previous.includes(old)).map((p) => p.personId);
    if (into.length > 1) {
      const personaIds = [...current.entries()].filter(([, p]) => p === old).map(([m]) => m);
      changes.push({
        type: 'PERSON_SPLIT',
        personaIds,
        personIds: [old, ...into.filter((p) => p !== old)],
        data: { personId: old, into },
      });
    }
  }
  return { changes, personOf };
}
