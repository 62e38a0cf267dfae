// The outbox: writers append changes inside their own transaction.
import type { Tx } from '../graph/run.js';
import type { ChangeInput } from './changes.model.js';

/** Appends changes in the caller's write transaction, so they commit or roll back with it. */
export async function recordChanges(tx: Tx, changes: ChangeInput[]): Promise<void> {
  if (changes.length === 0) return;
  await tx.run('changes/append', {
    changes: changes.map((c) => ({
      type: c.type,
      personaIds: c.personaIds,
      personIds: c.personIds,
      data: c.data === undefined ? null : JSON.stringify(c.data),
    })),
  });
}
