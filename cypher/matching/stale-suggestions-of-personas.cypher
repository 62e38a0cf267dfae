// OPEN suggestions of some personas that the run scoring them did not keep become STALE (below the
// threshold now, grouped otherwise, or no longer in one block). Found from the personas, so the cost
// is theirs, not that of every OPEN suggestion in the graph (an ingest's pass runs this each time).
// $run: String, $personaIds: [String] → stale
UNWIND $personaIds AS id
MATCH (:Persona {id: id})<-[:SUGGESTS]-(s:Suggestion {status: 'OPEN'})
WHERE s.run <> $run
WITH DISTINCT s
SET s.status = 'STALE'
RETURN count(s) AS stale
