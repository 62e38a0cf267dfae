// Maps a campaign code to its name, channel and topic terms (which must exist).
// $campaign: {code, name, channel?, topics: [String]} → campaign, wasMapped
MERGE (c:Campaign {code: $campaign.code})
WITH c, coalesce(c.mapped, false) AS wasMapped
SET c.name = $campaign.name, c.channel = $campaign.channel, c.mapped = true, c.definedAt = datetime()
WITH c, wasMapped
CALL {
  WITH c
  OPTIONAL MATCH (c)-[old:HAS_TOPIC]->()
  DELETE old
}
CALL {
  WITH c
  UNWIND $campaign.topics AS topic
  MATCH (t:Term {vocabulary: 'topic', key: topic})
  MERGE (c)-[:HAS_TOPIC]->(t)
}
RETURN c {.code, .name, .channel, topics: [(c)-[:HAS_TOPIC]->(t) | t.key]} AS campaign, wasMapped
