// The facts each persona holds, newest first (DataLoader batch and resolution).
// $ids: [String] persona ids → personaId, fact, sensitive
MATCH (p:Persona)-[:HAS_FACT]->(f:Fact) WHERE p.id IN $ids
OPTIONAL MATCH (k:FactKey {key: f.key})
RETURN p.id AS personaId, f {.id, .key, .value, .method, .source, .at, .confidence} AS fact,
       coalesce(k.sensitive, false) AS sensitive
ORDER BY f.at DESC
