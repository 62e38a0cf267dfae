// Queues a webhook's dead letters to be sent again (before its next changes); a waiting retry is due at once.
// $id: String → webhooks: Integer (0: no such webhook), queued: Integer
OPTIONAL MATCH (w:Webhook {id: $id})
SET w.nextAttemptAt = null
WITH w
OPTIONAL MATCH (w)-[d:DEAD_LETTER]->(:Change)
SET d.replay = true
RETURN count(DISTINCT w) AS webhooks, count(d) AS queued
