// Extends the holder's lease and records how far it has read (past changes its filter leaves out);
// returns the current settings, which an update may have changed. Under the node's write lock.
// $id: String, $owner: String, $leaseMs: Integer, $position: Integer
// → webhook: map with its secret (no row: the lease was lost or the webhook removed)
MATCH (w:Webhook {id: $id})
SET w.lockedAt = datetime()
WITH w
WHERE w.leaseOwner = $owner
SET w.leaseUntil = datetime() + duration({milliseconds: $leaseMs}),
    w.position = CASE WHEN $position > w.position THEN $position ELSE w.position END
RETURN w {
  .id, .url, .types, .pii, .secret, .cursor, .position, .failures, .attempts, .maxAttempts, .retryBaseMs,
  .retryMaxMs, .batchSize, .lastError, .nextAttemptAt, .deliveredAt,
  replayPending: COUNT { (w)-[d:DEAD_LETTER]->(:Change) WHERE d.replay }
} AS webhook
