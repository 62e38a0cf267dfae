// Terms by vocabulary and key (mapped or not), with their broader term's key.
// $keys: [{vocabulary, key}] → term
UNWIND $keys AS k
MATCH (t:Term {vocabulary: k.vocabulary, key: k.key})
OPTIONAL MATCH (t)-[:BROADER]->(b:Term)
RETURN t {.vocabulary, .key, label: CASE WHEN t.mapped THEN t.label END, broader: b.key} AS term
