// The personas of each person (DataLoader batch).
// $ids: [String] person ids → personId, persona
MATCH (person:Person)-[:HAS_PERSONA]->(p:Persona) WHERE person.id IN $ids
RETURN person.id AS personId, p {.id, .key, .context, .label} AS persona
ORDER BY p.key
