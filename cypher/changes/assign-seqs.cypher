// Gives the next places in the feed to committed changes that have none, in the order they were
// recorded (by transaction, then in it), under the sequence lock (changes/lock-sequence, same transaction).
// Only committed changes are visible here, so a change never gets a place before its transaction
// committed: a reader that has passed place N is never overtaken by a change landing at or below N.
// $last: Integer (the last place given), $limit: Integer,
// $horizon: String (ISO date-time from changes/sequencing-horizon, same transaction) → assigned: Integer
// Reads the waiting changes in the order of their index (migration 005) and stops after $limit: a
// batch costs the same whatever the backlog, so numbering a backlog is linear in its size.
MATCH (c:Unsequenced)
USING INDEX c:Unsequenced(at, txKey, ordinal)
WHERE c.at <= datetime($horizon) AND c.txKey IS NOT NULL AND c.ordinal IS NOT NULL AND c.seq IS NULL
WITH c
ORDER BY c.at, c.txKey, c.ordinal
LIMIT $limit
WITH collect(c) AS batch
UNWIND range(0, size(batch) - 1) AS i
WITH batch[i] AS c, $last + 1 + i AS seq
SET c.seq = seq, c.sequencedAt = datetime()
REMOVE c:Unsequenced
RETURN count(*) AS assigned
