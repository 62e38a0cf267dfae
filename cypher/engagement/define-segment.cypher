// Defines or replaces a segment: conditions stored as data (JSON text), evaluated when asked.
// $name: String, $description: String | null, $conditions: String (JSON) → segment
MERGE (s:Segment {name: $name})
SET s.description = $description, s.conditions = $conditions, s.definedAt = datetime()
RETURN s {.name, .description, .conditions} AS segment
