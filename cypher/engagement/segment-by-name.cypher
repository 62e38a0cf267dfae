// A segment's definition by name; no row when there is none.
// $name: String → segment
MATCH (s:Segment {name: $name})
RETURN s {.name, .description, .conditions} AS segment
