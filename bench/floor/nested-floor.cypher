// Benchmark floor, not used by the API: the nested read of the bench (personas → identifiers →
// devices → other personas) as one hand-written statement.
// $keys: [String] persona keys → one row per persona with its nested lists
MATCH (p:Persona) WHERE p.key IN $keys
RETURN p.key AS key, COLLECT {
  MATCH (p)-[:HAS_IDENTIFIER]->(i:Identifier)
  RETURN i {.type, .value, devices: COLLECT {
    MATCH (i)<-[:OBSERVED]-(d:Device)
    RETURN d {.id, personas: COLLECT { MATCH (d)<-[:USES]-(o:Persona) RETURN o {.key} } }
  }}
} AS identifiers
