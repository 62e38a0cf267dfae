// Personas holding an identifier whose normalized value starts with one of the prefixes, shortest
// values first (an exact match before longer ones).
// $prefixes: [String], $limit: Int → persona, identifier
UNWIND $prefixes AS prefix
MATCH (i:Identifier) WHERE i.value STARTS WITH prefix
WITH DISTINCT i ORDER BY size(i.value), i.type, i.value LIMIT $limit
MATCH (p:Persona)-[:HAS_IDENTIFIER]->(i)
RETURN p {.id, .key, .context, .label} AS persona, i {.type, .value, .shared} AS identifier
ORDER BY size(i.value), i.type, i.value, p.key
LIMIT $limit
