// A topic's publishing state, for Query.streams: where it is, how many it published, who holds it.
// $topic: String → publisher: {cursor, published, holder} (no row: never published to)
MATCH (k:KafkaPublisher {topic: $topic})
RETURN k {.cursor, .published, holder: CASE WHEN k.leaseUntil > datetime() THEN k.leaseOwner END} AS publisher
