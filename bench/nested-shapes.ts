// Nested reads of shapes the main nested read does not ask (issue #27: "a frontend's query is whatever
// its screen needs"), ours beside @neo4j/graphql's (bench/peer.ts) on the same database, with each
// one's database round trips per request. Used by the one-command bench (bench/run.ts) and by
// bench/nested.ts on a database of its own.
import { client, compare, log, round, type Latency } from './harness.js';
import type { startPeer } from './peer.js';

/** Selections both APIs answer (the peer's type definitions know personas, identifiers and devices). */
export const nestedShapes: Record<string, string> = {
  // The issue's example: identifiers and devices side by side, the devices' personas below.
  'issue #27 example': 'key identifiers { type value } devices { id personas { key } }',
  // The bench's main nested read, for reference (the one shape the look-ahead recognized before).
  'bench main shape': 'key identifiers { type value devices { id personas { key } } }',
  'aliases, one field twice': 'key short: identifiers { type } long: identifiers { value personas { key } }',
  'devices first, three levels': 'key devices { id kind identifiers { type value personas { key } } }',
  'four levels': 'key identifiers { value personas { key devices { id identifiers { type } } } }',
};

export interface ShapeFigures {
  fields: string;
  roundTrips: { ours: number | null; peer: number };
  c1: Record<'ours' | 'peer', Latency>;
  ratio: number;
}

/** Each shape at concurrency 1, ours and the peer's in turns, `keysFor(n)` the personas of call n. */
export async function benchNestedShapes(
  gql: ReturnType<typeof client>,
  peer: Awaited<ReturnType<typeof startPeer>>,
  keysFor: (n: number) => string[],
  calls: number,
): Promise<Record<string, ShapeFigures>> {
  const peerGql = client(peer.url);
  const results: Record<string, ShapeFigures> = {};
  for (const [name, fields] of Object.entries(nestedShapes)) {
    const ours = `query ($keys: [String!]!) { personas(keys: $keys) { ${fields} } }`;
    const theirs = `query ($keys: [String!]!) { personas(where: { key: { in: $keys } }) { ${fields} } }`;
    await gql(ours, { keys: keysFor(0) });
    const oursRoundTrips = (await gql(ours, { keys: keysFor(0) })).extensions?.dbRoundTrips ?? null;
    await peerGql(theirs, { keys: keysFor(1) });
    peer.resetRoundTrips();
    await peerGql(theirs, { keys: keysFor(0) });
    const peerRoundTrips = peer.roundTrips();
    const c1 = await compare(1, calls, {
      ours: async (n: number) => void (await gql(ours, { keys: keysFor(n) })),
      peer: async (n: number) => void (await peerGql(theirs, { keys: keysFor(n) })),
    });
    const ratio = round(c1.ours.medianMs / c1.peer.medianMs, 2);
    results[name] = { fields, roundTrips: { ours: oursRoundTrips, peer: peerRoundTrips }, c1, ratio };
    log(
      `${name}: ours ${c1.ours.medianMs} ms (${oursRoundTrips} rt), peer ${c1.peer.medianMs} ms (${peerRoundTrips} rt): ${ratio}×`,
    );
  }
  return results;
}

/** The shapes' table for a bench's Markdown. */
export function nestedShapesMarkdown(shapes: Record<string, ShapeFigures>, keysPerRequest: number): string[] {
  return [
    `## Nested reads of other shapes: ${keysPerRequest} personas a request, concurrency 1 (ms)`,
    '',
    '| shape | selection under `personas` | ours median | peer median | ours/peer | round trips, ours / peer |',
    '|---|---|---|---|---|---|',
    ...Object.entries(shapes).map(
      ([name, s]) =>
        `| ${name} | \`${s.fields}\` | ${s.c1.ours.medianMs} | ${s.c1.peer.medianMs} | ${s.ratio}× | ${s.roundTrips.ours ?? '–'} / ${s.roundTrips.peer} |`,
    ),
    '',
  ];
}
