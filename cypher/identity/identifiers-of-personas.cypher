// The identifiers each persona holds, most recent evidence first (DataLoader batch).
// $ids: [String] persona ids → personaId, identifier
MATCH (p:Persona)-[h:HAS_IDENTIFIER]->(i:Identifier) WHERE p.id IN $ids
RETURN p.id AS personaId, i {.type, .value, .shared} AS identifier
ORDER BY h.lastAt DESC, i.type, i.value
