// Gives up the holder's publishing lease (on shutdown): another instance takes over at once.
// $topic: String, $owner: String
MATCH (k:KafkaPublisher {topic: $topic})
SET k.lockedAt = datetime()
WITH k
WHERE k.leaseOwner = $owner
SET k.leaseOwner = null, k.leaseUntil = null
