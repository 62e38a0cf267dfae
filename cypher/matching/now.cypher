// The database's clock, read when a whole pass starts: the pass marks STALE only what was scored
// before it (by the same clock that stamps scoredAt), so the pairs an incremental pass keeps while a
// long whole pass runs stay OPEN.
// (no parameters) → now: String (ISO datetime)
RETURN toString(datetime()) AS now
