// The dead letters of some webhooks, in feed order.
// $ids: [String] → webhookId: String, change: map
UNWIND $ids AS webhookId
MATCH (:Webhook {id: webhookId})-[:DEAD_LETTER]->(c:Change)
WITH webhookId, c
ORDER BY c.seq
RETURN webhookId, c {.seq, .id, .type, .at, .personaIds, .personIds, .data} AS change
