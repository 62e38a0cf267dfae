// Records a failed attempt and when the next one is due, if this instance still holds the lease.
// $id: String, $owner: String, $leaseMs: Integer, $attempts: Integer (of this batch, this one included),
// $delayMs: Integer, $error: String → webhook: map with its secret (no row: lease lost or webhook removed)
MATCH (w:Webhook {id: $id})
SET w.lockedAt = datetime()
WITH w
WHERE w.leaseOwner = $owner
SET w.attempts = $attempts, w.failures = w.failures + 1, w.lastError = $error,
    w.nextAttemptAt = datetime() + duration({milliseconds: $delayMs}),
    w.leaseUntil = datetime() + duration({milliseconds: $leaseMs})
RETURN w {
  .id, .url, .types, .pii, .secret, .cursor, .position, .failures, .attempts, .maxAttempts, .retryBaseMs,
  .retryMaxMs, .batchSize, .lastError, .nextAttemptAt, .deliveredAt,
  replayPending: COUNT { (w)-[d:DEAD_LETTER]->(:Change) WHERE d.replay }
} AS webhook
