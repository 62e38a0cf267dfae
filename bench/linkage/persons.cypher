// The linkage bench's read-out: every persona of the bench with the person the graph grouped it in.
// $prefix: String (the personas' key prefix) → key, persona, person (null: no person)
MATCH (p:Persona)
WHERE p.key STARTS WITH $prefix
OPTIONAL MATCH (g:Person)-[:HAS_PERSONA]->(p)
RETURN p.key AS key, p.id AS persona, g.id AS person
