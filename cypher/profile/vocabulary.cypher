// The mapped terms of one vocabulary, by key.
// $vocabulary: String → term
MATCH (t:Term {vocabulary: $vocabulary}) WHERE t.mapped = true
OPTIONAL MATCH (t)-[:BROADER]->(b:Term)
RETURN t {.vocabulary, .key, .label, broader: b.key} AS term
ORDER BY t.key
