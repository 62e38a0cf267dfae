// The audit trail of admin actions (manual links, detachments, identifier types, use cases, erasure),
// written in the same transaction as the action itself, so an action and its entry commit together.
// A port every domain may use inside its own write transaction.
import type { Tx } from '../graph/run.js';
import { appendAuditEntry } from './audit.repository.js';

export async function recordAudit(
  tx: Tx,
  action: string,
  actor: string,
  details: Record<string, unknown>,
): Promise<void> {
  await appendAuditEntry(tx, { action, actor, details: JSON.stringify(details) });
}
