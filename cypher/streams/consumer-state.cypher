// A consumer group's counts, for Query.streams.
// $topic: String, $group: String → consumer: {consumed, rejected, lag} (no row: nothing consumed yet)
MATCH (k:KafkaConsumer {topic: $topic, group: $group})
RETURN k {.consumed, .rejected, .lag} AS consumer
