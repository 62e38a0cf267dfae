// Takes (or renews) the lease on scoring ingested personas: every serve instance follows the feed, and
// only the holder scores, so several instances never score the same personas at once (two passes over
// one persona would each mark STALE the pairs the other kept). Held on the model's node: without a
// trained model there is nothing to score. Writing a property first takes the node's write lock, so
// the lease is read under it and two instances never both win.
// $owner: String, $leaseMs: Integer → held: true (no row: no trained model, or another holds it)
MATCH (m:Matching {name: 'default'})
WHERE m.trained IS NOT NULL
SET m.scorerLockedAt = datetime()
WITH m
WHERE m.scorerOwner IS NULL OR m.scorerOwner = $owner OR m.scorerUntil < datetime()
SET m.scorerOwner = $owner, m.scorerUntil = datetime() + duration({milliseconds: $leaseMs})
RETURN true AS held
