// Records changes the broker acknowledged, if this instance still holds the lease, and renews it:
// the cursor only grows.
// $topic: String, $owner: String, $leaseMs: Integer, $cursor: Integer, $count: Integer
// → publisher: {cursor, published} (no row: the lease was lost)
MATCH (k:KafkaPublisher {topic: $topic})
SET k.lockedAt = datetime()
WITH k
WHERE k.leaseOwner = $owner
SET k.cursor = CASE WHEN $cursor > k.cursor THEN $cursor ELSE k.cursor END,
    k.published = k.published + $count,
    k.publishedAt = datetime(),
    k.leaseUntil = datetime() + duration({milliseconds: $leaseMs})
RETURN k {.cursor, .published} AS publisher
