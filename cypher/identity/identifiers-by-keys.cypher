// Identifiers by (type, value).
// $keys: [{type, value}] → identifier
UNWIND $keys AS key
MATCH (i:Identifier {type: key.type, value: key.value})
RETURN i {.type, .value, .shared} AS identifier
