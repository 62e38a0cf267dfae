// The erasure markers' statements: keyed hashes only, never an identifier's value.
import type { Graph, Tx } from '../graph/run.js';

export async function rememberErasedHashes(tx: Tx, hashes: string[]): Promise<void> {
  await tx.run('privacy/remember-erased', { hashes });
}

/** Which of these hashes mark an erased identifier. */
export async function erasedAmong(graph: Graph, hashes: string[]): Promise<Set<string>> {
  const rows = await graph.read<{ hash: string }>('privacy/erased-among', { hashes });
  return new Set(rows.map((r) => r.hash));
}

export async function forgetErased(graph: Graph, hashes: string[]): Promise<void> {
  await graph.write('privacy/forget-erased', { hashes });
}
