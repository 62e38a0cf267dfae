// The webhooks an instance may take: nobody holds them, their holder's lease ran out, or it holds them.
// $owner: String (the instance) → id: String
MATCH (w:Webhook)
WHERE w.leaseOwner IS NULL OR w.leaseOwner = $owner OR w.leaseUntil < datetime()
RETURN w.id AS id
