// The audit trail of admin actions (manual links, detachments, identifier types, use cases), written in
// the same transaction as the action itself.
import type { Tx } from '../graph/run.js';

export async function recordAudit(
  tx: Tx,
  action: string,
  actor: string,
  details: Record<string, unknown>,
): Promise<void> {
  await tx.run('privacy/audit', { action, actor, details: JSON.stringify(details) });
}
