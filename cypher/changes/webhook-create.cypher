// Creates a webhook that starts reading the feed right after $position; idempotent on $id (a retried
// transaction meets the node it created). Delivery state lives on the node, so any instance resumes it.
// $id: String, $url: String, $types: [String], $secret: String, $pii: Boolean, $position: Integer,
// $maxAttempts: Integer, $retryBaseMs: Integer, $retryMaxMs: Integer, $batchSize: Integer → webhook: map
MERGE (w:Webhook {id: $id})
  ON CREATE SET w.url = $url, w.types = $types, w.secret = $secret, w.pii = $pii,
                w.cursor = null, w.position = $position, w.failures = 0, w.attempts = 0,
                w.maxAttempts = $maxAttempts, w.retryBaseMs = $retryBaseMs, w.retryMaxMs = $retryMaxMs,
                w.batchSize = $batchSize, w.createdAt = datetime()
RETURN w {
  .id, .url, .types, .pii, .cursor, .position, .failures, .attempts, .maxAttempts, .retryBaseMs,
  .retryMaxMs, .batchSize, .lastError, .nextAttemptAt, .deliveredAt,
  replayPending: COUNT { (w)-[d:DEAD_LETTER]->(:Change) WHERE d.replay }
} AS webhook
