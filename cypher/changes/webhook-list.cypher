// Every webhook with its delivery state, oldest first (never its secret).
// (no parameters) → webhook: map
MATCH (w:Webhook)
WITH w
ORDER BY w.createdAt, w.id
RETURN w {
  .id, .url, .types, .pii, .cursor, .position, .failures, .attempts, .maxAttempts, .retryBaseMs,
  .retryMaxMs, .batchSize, .lastError, .nextAttemptAt, .deliveredAt,
  replayPending: COUNT { (w)-[d:DEAD_LETTER]->(:Change) WHERE d.replay }
} AS webhook
