// The erasure markers' statements: keyed hashes only, never an identifier's value.
import { z } from 'zod';
import { parseRows } from '../graph/rows.js';
import type { Graph, Tx } from '../graph/run.js';

export async function rememberErasedHashes(tx: Tx, hashes: string[]): Promise<void> {
  await tx.run('privacy/remember-erased', { hashes });
}

/** Which of these hashes mark an erased identifier. */
export async function erasedAmong(graph: Graph, hashes: string[]): Promise<Set<string>> {
  const name = 'privacy/erased-among';
  const rows = parseRows(name, z.object({ hash: z.string() }), await graph.read(name, { hashes }));
  return new Set(rows.map((r) => r.hash));
}

export async function forgetErased(graph: Graph, hashes: string[]): Promise<void> {
  await graph.write('privacy/forget-erased', { hashes });
}
