// The outbox writer, a port every domain may use inside its own write transaction: the changes a
// transaction records commit or roll back with it, so a subscriber sees exactly what committed. It
// sits below the domains (it imports none of them) so that any domain can record changes without
// depending on the change feed (src/changes/), which reads, sequences and delivers them.
import { randomUUID } from 'node:crypto';
import type { Tx } from '../graph/run.js';
import type { ChangeInput } from './outbox.model.js';
import { appendChanges } from './outbox.repository.js';

/** The topic `Graph.committed` emits after a transaction that recorded changes commits. */
export const changesCommittedTopic = 'changes';

/** Per transaction (attempt): a key, and how many changes it recorded, so their order survives. */
const recordedIn = new WeakMap<Tx, { txKey: string; count: number }>();

/** Appends changes in the caller's write transaction, so they commit or roll back with it. */
export async function recordChanges(tx: Tx, changes: ChangeInput[]): Promise<void> {
  if (changes.length === 0) return;
  const recorded = recordedIn.get(tx) ?? { txKey: randomUUID(), count: 0 };
  recordedIn.set(tx, recorded);
  const offset = recorded.count;
  recorded.count += changes.length;
  await appendChanges(tx, { txKey: recorded.txKey, offset, changes });
  // This instance sequences and delivers them as soon as they commit, instead of at its next poll.
  tx.afterCommit?.(changesCommittedTopic);
}
