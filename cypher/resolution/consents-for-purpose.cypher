// The consents of personas for one purpose and channel, newest first.
// $ids: [String] persona ids, $purpose: String, $channel: String → personaId, granted, at, type, value
MATCH (p:Persona)-[:GAVE]->(c:Consent {purpose: $purpose, channel: $channel})
USING INDEX SEEK p:Persona(id)
WHERE p.id IN $ids
OPTIONAL MATCH (c)-[:FOR]->(i:Identifier)
RETURN p.id AS personaId, c.granted AS granted, c.at AS at, i.type AS type, i.value AS value
ORDER BY c.at DESC
