// The person of each persona (DataLoader batch).
// $ids: [String] persona ids → personaId, personId
MATCH (person:Person)-[:HAS_PERSONA]->(p:Persona) WHERE p.id IN $ids
RETURN p.id AS personaId, person.id AS personId
