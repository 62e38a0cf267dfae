// Maps a creative or image code to its name, campaign and topic terms (which must exist).
// $asset: {code, name, campaign?, topics: [String]} → asset, wasMapped
MERGE (a:Asset {code: $asset.code})
WITH a, coalesce(a.mapped, false) AS wasMapped
SET a.name = $asset.name, a.mapped = true, a.definedAt = datetime()
WITH a, wasMapped
CALL {
  WITH a
  OPTIONAL MATCH (a)-[old:HAS_TOPIC|OF_CAMPAIGN]->()
  DELETE old
}
CALL {
  WITH a
  UNWIND $asset.topics AS topic
  MATCH (t:Term {vocabulary: 'topic', key: topic})
  MERGE (a)-[:HAS_TOPIC]->(t)
}
CALL {
  WITH a
  MATCH (c:Campaign {code: $asset.campaign})
  MERGE (a)-[:OF_CAMPAIGN]->(c)
}
RETURN a {.code, .name, campaign: $asset.campaign, topics: [(a)-[:HAS_TOPIC]->(t) | t.key]} AS asset,
       wasMapped
