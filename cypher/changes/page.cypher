// A page of the feed after a cursor and up to a place the reader knows is complete, filtered by
// type and profile (a null filter matches all); replays for queries and resuming subscribers.
// $after: Integer, $upTo: Integer, $limit: Integer, $types: [String] | null,
// $personaId: String | null, $personId: String | null → change: map
MATCH (c:Change)
WHERE c.seq > $after AND c.seq <= $upTo
  AND ($types IS NULL OR c.type IN $types)
  AND ($personaId IS NULL OR $personaId IN c.personaIds)
  AND ($personId IS NULL OR $personId IN c.personIds)
// Ordered and limited before the projection, so the seq index gives the order and a page reads
// only its own rows, however far back the cursor is.
WITH c
ORDER BY c.seq
LIMIT $limit
RETURN c {.seq, .id, .type, .at, .personaIds, .personIds, .data} AS change
