// The personas using each device (DataLoader batch).
// $ids: [String] device ids → deviceId, persona
MATCH (p:Persona)-[:USES]->(d:Device) WHERE d.id IN $ids
RETURN d.id AS deviceId, p {.id, .key, .context, .label} AS persona
ORDER BY p.key
