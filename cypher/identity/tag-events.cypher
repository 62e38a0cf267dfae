// Campaigns, assets and taxonomy terms of events; unknown codes are created unmapped and reported.
// $rows: [{eventId, kind: 'campaign'|'asset'|'term', code, vocabulary?}] → kind, code, unmapped
UNWIND $rows AS row
MATCH (e:Event {id: row.eventId})
CALL {
  WITH e, row
  WITH e, row WHERE row.kind = 'campaign'
  MERGE (c:Campaign {code: row.code}) ON CREATE SET c.mapped = false
  MERGE (e)-[:IN_CAMPAIGN]->(c)
  RETURN c.mapped AS mapped
  UNION
  WITH e, row
  WITH e, row WHERE row.kind = 'asset'
  MERGE (a:Asset {code: row.code}) ON CREATE SET a.mapped = false
  MERGE (e)-[:SHOWED]->(a)
  RETURN a.mapped AS mapped
  UNION
  WITH e, row
  WITH e, row WHERE row.kind = 'term'
  MERGE (t:Term {vocabulary: row.vocabulary, key: row.code}) ON CREATE SET t.mapped = false
  MERGE (e)-[:ABOUT]->(t)
  RETURN t.mapped AS mapped
}
RETURN row.kind AS kind, row.code AS code, row.vocabulary AS vocabulary, NOT mapped AS unmapped
