// The changes after a place, in feed order: what an instance's tailer reads to learn of new ones.
// $after: Integer, $limit: Integer → change: map
MATCH (c:Change)
WHERE c.seq > $after
RETURN c {.seq, .id, .type, .at, .personaIds, .personIds, .data} AS change
ORDER BY change.seq
LIMIT $limit
