// Persons from evidence: personas are grouped by shared identifiers within their type's limit and by
// active assertions. Any change to that evidence regroups the personas it touches, undoably: persons
// are recomputed, never merged destructively. Reading what a regrouping touches and writing its
// outcome are one statement each; the rules between them are pure functions.
import { randomUUID } from 'node:crypto';
import type { ChangeInput } from '../outbox/outbox.model.js';
import type { Tx } from '../graph/run.js';
import type { ClosureRow, IdentityRepository } from './identity.repository.js';

/** What caused a change: the ingested event, or the admin action. */
export interface ChangeCause {
  event: string | null;
  action: string | null;
}

/** One change in how personas are grouped into persons, among the persons it names. */
export interface GroupingTransition {
  type: 'PERSON_GROUPED' | 'PERSON_SPLIT';
  /** Every persona of the persons before and after. */
  personaIds: string[];
  /** The persons these personas belonged to (none for personas new in this transaction). */
  before: string[];
  /** The persons they belong to now; every one exists. */
  after: string[];
}

export interface Regrouping {
  transitions: GroupingTransition[];
  /** The person of every persona the regrouping looked at, after it. */
  personOf: Map<string, string>;
  /** One PERSON_GROUPED or PERSON_SPLIT per transition, with the cause the caller gave. */
  changes: ChangeInput[];
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
  // Larger components choose first: after a split, the part holding most of a person keeps its id.
  const bySize = groups
    .map((members, n) => ({ members, n }))
    .sort((a, b) => b.members.length - a.members.length || a.n - b.n);
  const chosen = bySize.map(({ members, n }) => {
    const counts = new Map<string, number>();
    for (const m of members) {
      const p = current.get(m);
      if (p) counts.set(p, (counts.get(p) ?? 0) + 1);
    }
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const kept = ranked.find(([p]) => !claimed.has(p))?.[0];
    const personId = kept ?? randomUUID();
    claimed.add(personId);
    return { n, plan: { members, personId, previous: [...counts.keys()] } };
  });
  return chosen.sort((a, b) => a.n - b.n).map((c) => c.plan);
}

/**
 * The transitions between two groupings of the same personas: personas whose persons before and
 * after overlap form one transition, so each fact of grouping is said exactly once. Unchanged persons
 * and a new persona alone in a new person (PERSONA_CREATED says so) are no transition.
 */
export function transitions(
  before: Map<string, string | null>,
  after: Map<string, string>,
): GroupingTransition[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    if (!parent.has(x)) parent.set(x, x);
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  for (const [persona, person] of after) {
    const old = before.get(persona);
    if (old) parent.set(find(`old:${old}`), find(`new:${person}`));
    else find(`new:${person}`);
  }
  const clusters = new Map<string, { personaIds: Set<string>; before: Set<string>; after: Set<string> }>();
  for (const [persona, person] of after) {
    const root = find(`new:${person}`);
    const cluster = clusters.get(root) ?? { personaIds: new Set(), before: new Set(), after: new Set() };
    clusters.set(root, cluster);
    cluster.personaIds.add(persona);
    cluster.after.add(person);
    const old = before.get(persona);
    if (old) cluster.before.add(old);
  }
  // Personas that left a person are in `after` too, so every member of a person before is counted.
  const result: GroupingTransition[] = [];
  for (const cluster of clusters.values()) {
    const personaIds = [...cluster.personaIds].sort();
    const [was] = cluster.before;
    const [is] = cluster.after;
    const joined = personaIds.some((p) => !before.get(p));
    const unchanged = cluster.before.size === 1 && cluster.after.size === 1 && was === is && !joined;
    const lone = cluster.before.size === 0 && personaIds.length === 1;
    if (unchanged || lone) continue;
    result.push({
      type: cluster.after.size === 1 ? 'PERSON_GROUPED' : 'PERSON_SPLIT',
      personaIds,
      before: [...cluster.before].sort(),
      after: [...cluster.after].sort(),
    });
  }
  return result.sort((a, b) => (a.personaIds[0]! < b.personaIds[0]! ? -1 : 1));
}

/** The whole regrouping decided from what the closure read: pure, so a unit test runs it. */
export function planRegrouping(rows: ClosureRow[]) {
  const current = new Map(rows.map((r) => [r.personaId, r.personId]));
  const edges = rows.flatMap((r) =>
    r.neighbourIds.filter((n) => current.has(n)).map((n): [string, string] => [r.personaId, n]),
  );
  const plan = assignPersons(components(current.keys(), edges), current);
  const personOf = new Map<string, string>();
  for (const { members, personId } of plan) for (const m of members) personOf.set(m, personId);
  const assignments = [...personOf.entries()]
    .filter(([personaId, personId]) => current.get(personaId) !== personId)
    .map(([personaId, personId]) => ({ personaId, personId }))
    .sort((a, b) => (a.personaId < b.personaId ? -1 : 1));
  const kept = new Set(personOf.values());
  const emptied = [...new Set([...current.values()])].filter((p): p is string => Boolean(p) && !kept.has(p!));
  return { assignments, emptied, personOf, transitions: transitions(current, personOf) };
}

/** The persons of some personas after a regrouping, without repeats: a change's personIds. */
export function personIdsOf(regrouping: Pick<Regrouping, 'personOf'>, personaIds: string[]): string[] {
  return [
    ...new Set(personaIds.map((id) => regrouping.personOf.get(id)).filter((p): p is string => Boolean(p))),
  ];
}

export function groupingChange(t: GroupingTransition, cause: ChangeCause): ChangeInput {
  return {
    type: t.type,
    personaIds: t.personaIds,
    personIds: [...new Set([...t.after, ...t.before])],
    data: { ...cause, before: t.before, after: t.after },
  };
}

/** IDENTIFIER_SHARED changes for identifiers whose shared flag flipped (either way). */
export function sharedFlagChanges(
  rows: { type: string; value: string; shared: boolean; flipped: boolean; holderIds: string[] }[],
  regrouping: Pick<Regrouping, 'personOf'>,
  cause: (row: { type: string; value: string }) => ChangeCause,
): ChangeInput[] {
  return rows
    .filter((r) => r.flipped)
    .map((r) => ({
      type: 'IDENTIFIER_SHARED',
      personaIds: r.holderIds,
      personIds: personIdsOf(regrouping, r.holderIds),
      data: { ...cause(r), type: r.type, value: r.value, shared: r.shared },
    }));
}

/**
 * Regroups the personas that evidence changes touched: takes the grouping lock and reads what they can
 * reach (one statement, unless a person was left out of date), decides in TypeScript, writes the
 * outcome (one statement).
 */
export async function regroup(
  tx: Tx,
  repo: IdentityRepository,
  seeds: Iterable<string>,
  cause: ChangeCause = { event: null, action: null },
): Promise<Regrouping> {
  let ask = [...new Set(seeds)];
  if (ask.length === 0) return { transitions: [], personOf: new Map(), changes: [] };
  const rows = new Map<string, ClosureRow>();
  while (ask.length > 0) {
    for (const row of await repo.groupingClosure(tx, ask)) rows.set(row.personaId, row);
    // Persons are components of the evidence as of their last regrouping, so this stays empty unless
    // something changed evidence without regrouping; then the closure grows from where it leaked.
    ask = [...new Set([...rows.values()].flatMap((r) => r.neighbourIds))].filter((id) => !rows.has(id));
  }
  const plan = planRegrouping([...rows.values()]);
  await repo.applyGrouping(tx, plan.assignments, plan.emptied);
  return {
    transitions: plan.transitions,
    personOf: plan.personOf,
    changes: plan.transitions.map((t) => groupingChange(t, cause)),
  };
}
