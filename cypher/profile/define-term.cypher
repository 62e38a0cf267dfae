// Registers or updates a taxonomy term; events already tagged with it are decoded with it from now on.
// $term: {vocabulary, key, label, broader?} → term, wasMapped (true: it was already defined, not only seen)
MERGE (t:Term {vocabulary: $term.vocabulary, key: $term.key})
ON CREATE SET t.created = true
WITH t, coalesce(t.mapped, false) AS wasMapped, t.created = true AS created
SET t.label = $term.label, t.mapped = true, t.definedAt = datetime()
REMOVE t.created
WITH t, wasMapped, created
CALL {
  WITH t
  OPTIONAL MATCH (t)-[old:BROADER]->()
  DELETE old
}
CALL {
  WITH t
  MATCH (parent:Term {vocabulary: $term.vocabulary, key: $term.broader})
  MERGE (t)-[:BROADER]->(parent)
}
RETURN t {.vocabulary, .key, .label, broader: $term.broader} AS term, wasMapped
