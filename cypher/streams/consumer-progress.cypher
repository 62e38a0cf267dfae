// Adds a consumed batch to a consumer group's counts (after its ingest committed and its offsets were
// committed), with the lag last measured (null: not measured this time, the previous one stays).
// $topic: String, $group: String, $consumed: Integer, $rejected: Integer, $lag: Integer | null
MERGE (k:KafkaConsumer {topic: $topic, group: $group})
  ON CREATE SET k.consumed = 0, k.rejected = 0
SET k.consumed = k.consumed + $consumed,
    k.rejected = k.rejected + $rejected,
    k.lag = coalesce($lag, k.lag),
    k.consumedAt = datetime()
