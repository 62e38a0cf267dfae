// Gives up the holder's lease (on shutdown), recording how far it read: another instance takes over at once.
// $id: String, $owner: String, $position: Integer
MATCH (w:Webhook {id: $id})
SET w.lockedAt = datetime()
WITH w
WHERE w.leaseOwner = $owner
SET w.leaseOwner = null, w.leaseUntil = null,
    w.position = CASE WHEN $position > w.position THEN $position ELSE w.position END
