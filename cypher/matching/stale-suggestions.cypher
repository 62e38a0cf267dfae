// After a whole pass, every OPEN suggestion it did not keep becomes STALE (below the threshold now,
// grouped otherwise, or no longer in one block), unless something scored it after the pass began:
// serve's incremental pass may have kept a pair of a persona ingested meanwhile, which this pass never
// read. A pass over some personas uses stale-suggestions-of-personas instead.
// $run: String, $startedAt: String (ISO datetime, the database's clock: matching/now) → stale
MATCH (s:Suggestion {status: 'OPEN'})
WHERE s.run <> $run AND s.scoredAt < datetime($startedAt)
SET s.status = 'STALE'
RETURN count(s) AS stale
