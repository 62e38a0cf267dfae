// OPEN suggestions a run did not keep become STALE (below the threshold now, grouped otherwise, or
// no longer in one block): all of them after a whole pass, those of the personas scored otherwise.
// $run: String, $personaIds: [String] | null (null: a whole pass) → stale
MATCH (s:Suggestion {status: 'OPEN'})
WHERE s.run <> $run
  AND ($personaIds IS NULL OR any(id IN s.personaIds WHERE id IN $personaIds))
SET s.status = 'STALE'
RETURN count(s) AS stale
