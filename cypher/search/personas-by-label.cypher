// Personas whose label has words starting with every word searched (full-text index, any case).
// $query: String (Lucene, words escaped, each ending in *), $limit: Int → persona, score
CALL db.index.fulltext.queryNodes('persona_label', $query) YIELD node, score
RETURN node {.id, .key, .context, .label} AS persona, score
ORDER BY score DESC, node.key
LIMIT $limit
