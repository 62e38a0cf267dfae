// Codes the taxonomy does not know yet, most used first: campaigns, assets and terms that events carry
// without a mapping, and fact keys without a registered definition. Map them and old events gain
// their meaning at read time.
// $limit: Int → kind, code, events, firstSeen, lastSeen
:param limit => 50

CALL {
  MATCH (c:Campaign) WHERE NOT coalesce(c.mapped, false)
  OPTIONAL MATCH (e:Event)-[:IN_CAMPAIGN]->(c)
  RETURN 'campaign' AS kind, c.code AS code, count(e) AS events, min(e.occurredAt) AS firstSeen, max(e.occurredAt) AS lastSeen
  UNION
  MATCH (a:Asset) WHERE NOT coalesce(a.mapped, false)
  OPTIONAL MATCH (e:Event)-[:SHOWED]->(a)
  RETURN 'asset' AS kind, a.code AS code, count(e) AS events, min(e.occurredAt) AS firstSeen, max(e.occurredAt) AS lastSeen
  UNION
  MATCH (t:Term) WHERE NOT coalesce(t.mapped, false)
  OPTIONAL MATCH (e:Event)-[:ABOUT]->(t)
  RETURN 'term:' + t.vocabulary AS kind, t.key AS code, count(e) AS events, min(e.occurredAt) AS firstSeen, max(e.occurredAt) AS lastSeen
  UNION
  MATCH (f:Fact) WHERE NOT EXISTS { MATCH (k:FactKey {key: f.key}) WHERE coalesce(k.mapped, true) }
  RETURN 'fact-key' AS kind, f.key AS code, count(f) AS events, min(f.at) AS firstSeen, max(f.at) AS lastSeen
}
RETURN kind, code, events, firstSeen, lastSeen
ORDER BY events DESC, kind, code
LIMIT $limit;
