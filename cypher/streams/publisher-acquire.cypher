// Takes the publishing lease of a topic when it is free or expired (or renews one's own): one instance
// publishes at a time. Writing a property first takes the node's write lock, so the lease is read
// under it: two instances never both win. A topic's state is created on its first use at `start`:
// 0 gives a new topic every change the feed still holds, the feed's end only the changes from now on.
// $topic: String, $owner: String, $leaseMs: Integer, $start: Integer
// → publisher: {cursor, published} (no row: held elsewhere)
MERGE (k:KafkaPublisher {topic: $topic})
  ON CREATE SET k.cursor = $start, k.published = 0
SET k.lockedAt = datetime()
WITH k
WHERE k.leaseOwner IS NULL OR k.leaseOwner = $owner OR k.leaseUntil < datetime()
SET k.leaseOwner = $owner, k.leaseUntil = datetime() + duration({milliseconds: $leaseMs})
RETURN k {.cursor, .published} AS publisher
