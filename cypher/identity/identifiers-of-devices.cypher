// The identifiers observed on each device (DataLoader batch).
// $ids: [String] device ids → deviceId, identifier
MATCH (d:Device)-[:OBSERVED]->(i:Identifier) WHERE d.id IN $ids
RETURN d.id AS deviceId, i {.type, .value, .shared} AS identifier
ORDER BY i.type, i.value
