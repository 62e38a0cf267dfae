// The next dead letters queued for replay, in feed order.
// $id: String, $limit: Integer → change: map
MATCH (:Webhook {id: $id})-[d:DEAD_LETTER]->(c:Change)
WHERE d.replay
WITH c
ORDER BY c.seq
LIMIT $limit
RETURN c {.seq, .id, .type, .at, .personaIds, .personIds, .data} AS change
