// When the oldest change each webhook still has to deliver was made (its lag), read from the feed
// after where the webhook has read, through its type filter.
// $webhooks: [{id: String, position: Integer, types: [String]}] → id: String, oldestAt: DateTime | null
UNWIND $webhooks AS webhook
CALL (webhook) {
  MATCH (c:Change)
  WHERE c.seq > webhook.position AND (size(webhook.types) = 0 OR c.type IN webhook.types)
  WITH c
  ORDER BY c.seq
  LIMIT 1
  RETURN collect(c.at) AS oldest
}
RETURN webhook.id AS id, oldest[0] AS oldestAt
