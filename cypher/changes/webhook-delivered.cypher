// Records a batch a receiver acknowledged (2xx), if this instance still holds the lease: the cursor
// moves to its last change (a feed batch) or its replayed dead letters are dropped, failures reset.
// $id: String, $owner: String, $leaseMs: Integer, $cursor: Integer | null (null: a replay),
// $position: Integer, $replayed: [Integer] (places of replayed dead letters)
// → webhook: map with its secret (no row: the lease was lost or the webhook removed)
MATCH (w:Webhook {id: $id})
SET w.lockedAt = datetime()
WITH w
WHERE w.leaseOwner = $owner
SET w.cursor = CASE WHEN $cursor IS NOT NULL AND (w.cursor IS NULL OR $cursor > w.cursor) THEN $cursor ELSE w.cursor END,
    w.position = CASE WHEN $position > w.position THEN $position ELSE w.position END,
    w.failures = 0, w.attempts = 0, w.lastError = null, w.nextAttemptAt = null, w.deliveredAt = datetime(),
    w.leaseUntil = datetime() + duration({milliseconds: $leaseMs})
FOREACH (link IN [(w)-[d:DEAD_LETTER]->(c:Change) WHERE c.seq IN $replayed | d] | DELETE link)
RETURN w {
  .id, .url, .types, .pii, .secret, .cursor, .position, .failures, .attempts, .maxAttempts, .retryBaseMs,
  .retryMaxMs, .batchSize, .lastError, .nextAttemptAt, .deliveredAt,
  replayPending: COUNT { (w)-[d:DEAD_LETTER]->(:Change) WHERE d.replay }
} AS webhook
