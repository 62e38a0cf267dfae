// Deletes up to $limit changes at or below a pruned place; the pruner repeats it until none is left.
// $horizon: Integer, $limit: Integer → deleted: Integer
MATCH (c:Change)
WHERE c.seq <= $horizon
WITH c
LIMIT $limit
DETACH DELETE c
RETURN count(*) AS deleted
