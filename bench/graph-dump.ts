// The graph as comparable text: one sorted line per node and relationship, then the changes in feed
// order. Two ways of building a graph that behave the same write the same text (bench/profile-ingest.ts
// --dump; `idgraph import` against `import --bulk`, test/integration/import-bulk.int.test.ts).
// Left out, because they legitimately differ from run to run: random ids (a persona's id is written as
// its key, a person's as its personas' keys, any other UUID as `uuid`), transaction ids (createdTx,
// ingestTx, lastTx, txKey), clock times of the writing (firstSeen, ingestedAt, a person's createdAt,
// HAS_PERSONA's since, a change's at, a migration's appliedAt, the grouping lock), a person's id in a
// change (which of two equal persons keeps its id is random), and the order of ids within a change (a set, listed in the order
// Neo4j walked relationships; sorted here) and of changes of one kind caused by one event.
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/graph/database.js';
import type { Graph } from '../src/graph/run.js';

const volatile = new Set([
  'id',
  'createdTx',
  'ingestTx',
  'lastTx',
  'firstSeen',
  'ingestedAt',
  'txKey',
  'appliedAt',
]);
const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

const setKeys = new Set(['personaIds', 'personIds', 'before', 'after']);

/** The lists of ids that are sets, sorted: personaIds and personIds, and a grouping's before and after. */
function sortedSets(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      setKeys.has(k) && Array.isArray(v)
        ? [...(v as string[])].sort()
        : k === 'data' && v && typeof v === 'object'
          ? sortedSets(v as Record<string, unknown>)
          : v,
    ]),
  );
}

export async function dumpGraph(graph: Graph): Promise<string> {
  const personaKeys = new Map<string, string>();
  for (const row of await graph.runText('MATCH (p:Persona) RETURN p.id AS id, p.key AS key', {}, 'READ'))
    personaKeys.set(String(row.id), String(row.key));
  const personKeys = new Map<string, string>();
  for (const row of await graph.runText(
    'MATCH (s:Person) OPTIONAL MATCH (s)-[:HAS_PERSONA]->(p) WITH s, p ORDER BY p.key RETURN s.id AS id, collect(p.key) AS keys',
    {},
    'READ',
  ))
    personKeys.set(String(row.id), `{${(row.keys as string[]).join(',')}}`);
  const ids = (text: string) =>
    text.replace(uuid, (id) =>
      personaKeys.has(id)
        ? `persona:${personaKeys.get(id)}`
        : personKeys.has(id)
          ? `person:${personKeys.get(id)}`
          : 'uuid',
    );
  const props = (label: string, p: Record<string, unknown>) =>
    ids(
      JSON.stringify(
        Object.fromEntries(
          Object.entries(p)
            .filter(([k]) => !volatile.has(k) && !(label === 'Person' && k === 'createdAt'))
            .sort(([a], [b]) => (a < b ? -1 : 1)),
        ),
      ),
    );
  const key = (label: string, p: Record<string, unknown>, id: unknown) =>
    label === 'Person' ? `Person${personKeys.get(String(id))}` : `${label}${props(label, p)}`;
  const lines: string[] = [];
  for (const row of await graph.runText(
    'MATCH (n) WHERE NOT n:Change AND NOT n:GroupingLock RETURN labels(n)[0] AS label, properties(n) AS p, n.id AS id',
    {},
    'READ',
  ))
    lines.push(`node ${key(String(row.label), row.p as never, row.id)}`);
  for (const row of await graph.runText(
    'MATCH (a)-[r]->(b) WHERE NOT a:Change AND NOT b:Change ' +
      'RETURN labels(a)[0] AS al, properties(a) AS ap, a.id AS aid, type(r) AS t, properties(r) AS rp, ' +
      'labels(b)[0] AS bl, properties(b) AS bp, b.id AS bid',
    {},
    'READ',
  )) {
    const rp = row.t === 'HAS_PERSONA' ? {} : (row.rp as never);
    lines.push(
      `rel ${key(String(row.al), row.ap as never, row.aid)} -[${String(row.t)} ${props('', rp)}]-> ${key(String(row.bl), row.bp as never, row.bid)}`,
    );
  }
  lines.sort();
  // A person's id in a change names whichever person kept it at each regrouping: among persons of
  // equal size, the one with the smaller random id. Only personas are named there.
  const personaIds = (text: string) =>
    text.replace(uuid, (id) => (personaKeys.has(id) ? `persona:${personaKeys.get(id)}` : 'uuid'));
  return `${[...lines, ...(await changeLines(graph, personaIds))].join('\n')}\n`;
}

/** The changes in feed order (as recorded), each run of one kind caused by one event sorted. */
async function changeLines(graph: Graph, ids: (text: string) => string): Promise<string[]> {
  const runs: { cause: string; lines: string[] }[] = [];
  for (const row of await graph.runText(
    'MATCH (c:Change) RETURN c.type AS type, c.personaIds AS personaIds, c.personIds AS personIds, c.data AS data ORDER BY c.at, c.ordinal',
    {},
    'READ',
  )) {
    const data = row.data === null ? null : (JSON.parse(ids(String(row.data))) as Record<string, unknown>);
    const change = {
      type: row.type,
      personaIds: JSON.parse(ids(JSON.stringify(row.personaIds))) as unknown,
      personIds: JSON.parse(ids(JSON.stringify(row.personIds))) as unknown,
      data,
    };
    const line = `change ${JSON.stringify(sortedSets(change))}`;
    const cause = `${String(row.type)}\u0000${String(data?.event ?? '')}`;
    const last = runs.at(-1);
    if (last && last.cause === cause) last.lines.push(line);
    else runs.push({ cause, lines: [line] });
  }
  return runs.flatMap((r) => r.lines.sort());
}

/** dumpGraph of the embedded store in `home`, started for the dump and stopped (never NEO4J_URI's). */
export async function dumpStore(home: string): Promise<string> {
  const { NEO4J_URI: _external, ...inherited } = process.env;
  const db = await openDatabase(loadConfig({ ...inherited, NEO4J_HOME: home }), () => {});
  try {
    return await dumpGraph(db.graph);
  } finally {
    await db.close();
  }
}
