// The identifiers of one type that personas hold, to re-check their shared flag after a limit changes.
// $type: String → type, value
MATCH (i:Identifier {type: $type})<-[:HAS_IDENTIFIER]-(:Persona)
RETURN DISTINCT i.type AS type, i.value AS value
