// The audit trail's one statement: an entry appended in the transaction of the action it records.
import type { Tx } from '../graph/run.js';

export async function appendAuditEntry(
  tx: Tx,
  entry: { action: string; actor: string; details: string },
): Promise<void> {
  await tx.run('privacy/audit', entry);
}
