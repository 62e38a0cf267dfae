// Takes a webhook's delivery lease when it is free or expired (or renews one's own): one instance
// delivers a webhook at a time. Writing a property first takes the node's write lock, so the lease
// is read under it (Operations Manual, "Concurrent data access"): two instances never both win.
// $id: String, $owner: String, $leaseMs: Integer → webhook: map with its secret (no row: held elsewhere)
MATCH (w:Webhook {id: $id})
SET w.lockedAt = datetime()
WITH w
WHERE w.leaseOwner IS NULL OR w.leaseOwner = $owner OR w.leaseUntil < datetime()
SET w.leaseOwner = $owner, w.leaseUntil = datetime() + duration({milliseconds: $leaseMs})
RETURN w {
  .id, .url, .types, .pii, .secret, .cursor, .position, .failures, .attempts, .maxAttempts, .retryBaseMs,
  .retryMaxMs, .batchSize, .lastError, .nextAttemptAt, .deliveredAt,
  replayPending: COUNT { (w)-[d:DEAD_LETTER]->(:Change) WHERE d.replay }
} AS webhook
