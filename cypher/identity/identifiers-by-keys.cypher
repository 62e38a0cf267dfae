// Identifiers by (type, value).
// $keys: [{type, value}] → identifier
UNWIND $keys AS key
MATCH (i:Identifier {type: key.type, value: key.value})
USING INDEX SEEK i:Identifier(type, value)
RETURN i {.type, .value, .shared} AS identifier
