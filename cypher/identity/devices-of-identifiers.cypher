// The devices each identifier was observed on (DataLoader batch).
// $keys: [{type, value}] → type, value, device
UNWIND $keys AS key
MATCH (i:Identifier {type: key.type, value: key.value})<-[:OBSERVED]-(d:Device)
USING INDEX SEEK i:Identifier(type, value)
RETURN key.type AS type, key.value AS value, d {.id, .kind} AS device
ORDER BY d.id
