// The changes after a place, in feed order: what an instance's tailer reads to learn of new ones.
// $after: Integer, $limit: Integer → change: map
MATCH (c:Change)
WHERE c.seq > $after
// Ordered and limited before the projection, so the seq index gives the order and a page reads
// only its own rows, however far back the cursor is.
WITH c
ORDER BY c.seq
LIMIT $limit
RETURN c {.seq, .id, .type, .at, .personaIds, .personIds, .data} AS change
