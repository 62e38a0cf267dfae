// The devices each persona uses (DataLoader batch).
// $ids: [String] persona ids → personaId, device
MATCH (p:Persona)-[:USES]->(d:Device) WHERE p.id IN $ids
RETURN p.id AS personaId, d {.id, .kind} AS device
ORDER BY d.id
