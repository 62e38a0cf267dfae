// The highest place given before a cutoff. Pruning removes it and every place below it, so the feed
// only ever loses its oldest end, even when a change recorded early was sequenced late.
// $before: DateTime (ISO-8601) → horizon: Integer | null (nothing that old)
MATCH (c:Change)
WHERE c.sequencedAt < datetime($before)
RETURN max(c.seq) AS horizon
