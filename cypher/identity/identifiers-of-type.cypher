// The identifiers of one type that personas hold, to re-check their shared flag after a limit changes.
// Scans every identifier (no index on type alone: it misled the planner on key lookups); runs only when an admin changes a type.
// $type: String → type, value
MATCH (i:Identifier {type: $type})<-[:HAS_IDENTIFIER]-(:Persona)
RETURN DISTINCT i.type AS type, i.value AS value
