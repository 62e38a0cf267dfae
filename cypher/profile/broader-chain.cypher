// The keys a term leads to through BROADER, itself included: where a new parent would close a loop.
// $vocabulary: String, $key: String → keys: [String] (empty when the term does not exist)
OPTIONAL MATCH (t:Term {vocabulary: $vocabulary, key: $key})
OPTIONAL MATCH (t)-[:BROADER*0..20]->(up:Term)
RETURN [k IN collect(DISTINCT up.key) WHERE k IS NOT NULL] AS keys
