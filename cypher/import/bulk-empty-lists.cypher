// After a bulk import (auto-commit: Graph.batched, for CALL IN TRANSACTIONS): the offline importer
// cannot write an empty list, so changes naming no persona or person get theirs as append.cypher does.
// (no parameters) → changes: Integer
MATCH (c:Change)
WHERE c.personaIds IS NULL OR c.personIds IS NULL
CALL {
  WITH c
  SET c.personaIds = coalesce(c.personaIds, []), c.personIds = coalesce(c.personIds, [])
} IN TRANSACTIONS OF 10000 ROWS
RETURN count(*) AS changes
