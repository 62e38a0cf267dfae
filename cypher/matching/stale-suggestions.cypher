// After a whole pass, every OPEN suggestion it did not keep becomes STALE (below the threshold now,
// grouped otherwise, or no longer in one block). A pass over some personas uses
// stale-suggestions-of-personas instead.
// $run: String → stale
MATCH (s:Suggestion {status: 'OPEN'})
WHERE s.run <> $run
SET s.status = 'STALE'
RETURN count(s) AS stale
