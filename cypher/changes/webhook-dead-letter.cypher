// Gives up on a batch after its last allowed attempt, if this instance still holds the lease: its
// changes become dead letters (links to the changes, so erasure blanks them and pruning ends them),
// reading moves past them and the next batch starts with a fresh count of attempts.
// $id: String, $owner: String, $leaseMs: Integer, $seqs: [Integer], $position: Integer, $error: String
// → webhook: map with its secret (no row: the lease was lost or the webhook removed)
MATCH (w:Webhook {id: $id})
SET w.lockedAt = datetime()
WITH w
WHERE w.leaseOwner = $owner
SET w.attempts = 0, w.failures = w.failures + 1, w.lastError = $error, w.nextAttemptAt = null,
    w.position = CASE WHEN $position > w.position THEN $position ELSE w.position END,
    w.leaseUntil = datetime() + duration({milliseconds: $leaseMs})
WITH w
CALL (w) {
  UNWIND $seqs AS seq
  MATCH (c:Change {seq: seq})
  MERGE (w)-[d:DEAD_LETTER]->(c)
  SET d.at = datetime(), d.error = $error, d.replay = false
}
RETURN w {
  .id, .url, .types, .pii, .secret, .cursor, .position, .failures, .attempts, .maxAttempts, .retryBaseMs,
  .retryMaxMs, .batchSize, .lastError, .nextAttemptAt, .deliveredAt,
  replayPending: COUNT { (w)-[d:DEAD_LETTER]->(:Change) WHERE d.replay }
} AS webhook
