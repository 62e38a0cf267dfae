// Codes, terms, fact keys and question keys stored without a mapping, with how often and when they were
// seen, most frequent first.
// $first: Int → kind, code, count, firstSeen, lastSeen
CALL {
  MATCH (c:Campaign) WHERE c.mapped = false
  MATCH (e:Event)-[:IN_CAMPAIGN]->(c)
  RETURN 'campaign' AS kind, c.code AS code, count(e) AS count, min(e.occurredAt) AS firstSeen,
         max(e.occurredAt) AS lastSeen
  UNION ALL
  MATCH (a:Asset) WHERE a.mapped = false
  MATCH (e:Event)-[:SHOWED]->(a)
  RETURN 'asset' AS kind, a.code AS code, count(e) AS count, min(e.occurredAt) AS firstSeen,
         max(e.occurredAt) AS lastSeen
  UNION ALL
  MATCH (t:Term) WHERE t.mapped = false
  MATCH (e:Event)-[:ABOUT]->(t)
  RETURN t.vocabulary AS kind, t.key AS code, count(e) AS count, min(e.occurredAt) AS firstSeen,
         max(e.occurredAt) AS lastSeen
  UNION ALL
  MATCH (k:FactKey) WHERE k.mapped = false
  MATCH (f:Fact {key: k.key})
  RETURN 'fact' AS kind, k.key AS code, count(f) AS count, min(f.at) AS firstSeen, max(f.at) AS lastSeen
  UNION ALL
  MATCH (q:Question) WHERE q.mapped = false
  MATCH (e:Event)-[:ASKED|ANSWERED]->(q)
  RETURN 'question' AS kind, q.key AS code, count(DISTINCT e) AS count, min(e.occurredAt) AS firstSeen,
         max(e.occurredAt) AS lastSeen
}
RETURN kind, code, count, firstSeen, lastSeen
ORDER BY count DESC, kind, code
LIMIT $first
