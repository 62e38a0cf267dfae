// The outbox's one write: change rows appended in the caller's transaction (cypher/changes/append).
import type { Tx } from '../graph/run.js';
import type { ChangeInput } from './outbox.model.js';

export async function appendChanges(
  tx: Tx,
  batch: { txKey: string; offset: number; changes: ChangeInput[] },
): Promise<void> {
  await tx.run('changes/append', {
    txKey: batch.txKey,
    offset: batch.offset,
    changes: batch.changes.map((c) => ({
      type: c.type,
      personaIds: c.personaIds,
      personIds: c.personIds,
      data: c.data === undefined ? null : JSON.stringify(c.data),
    })),
  });
}
