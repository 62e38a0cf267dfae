// The personas holding each identifier (DataLoader batch).
// $keys: [{type, value}] → type, value, persona
UNWIND $keys AS key
MATCH (i:Identifier {type: key.type, value: key.value})<-[:HAS_IDENTIFIER]-(p:Persona)
USING INDEX SEEK i:Identifier(type, value)
RETURN key.type AS type, key.value AS value, p {.id, .key, .context, .label} AS persona
ORDER BY p.key
