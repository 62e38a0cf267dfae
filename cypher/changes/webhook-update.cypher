// Updates a webhook's receiver, filter, secret and retry policy, keeping its cursor and dead letters.
// A waiting retry is due at once: the new settings may be the fix.
// $id: String, $url: String, $types: [String], $secret: String, $pii: Boolean, $maxAttempts: Integer,
// $retryBaseMs: Integer, $retryMaxMs: Integer, $batchSize: Integer → webhook: map (no row: no such webhook)
MATCH (w:Webhook {id: $id})
SET w.url = $url, w.types = $types, w.secret = $secret, w.pii = $pii, w.maxAttempts = $maxAttempts,
    w.retryBaseMs = $retryBaseMs, w.retryMaxMs = $retryMaxMs, w.batchSize = $batchSize,
    w.nextAttemptAt = null, w.updatedAt = datetime()
RETURN w {
  .id, .url, .types, .pii, .cursor, .position, .failures, .attempts, .maxAttempts, .retryBaseMs,
  .retryMaxMs, .batchSize, .lastError, .nextAttemptAt, .deliveredAt,
  replayPending: COUNT { (w)-[d:DEAD_LETTER]->(:Change) WHERE d.replay }
} AS webhook
