// Replaces the blocking keys of personas: each key is a (:MatchBlock) found by its unique key, so the
// personas sharing one are found from the index, never by comparing every pair.
// $rows: [{id: String, keys: [{key: String, rule: Int}]}] → personas
UNWIND $rows AS row
MATCH (p:Persona {id: row.id})
CALL {
  WITH p
  MATCH (p)-[old:IN_BLOCK]->(:MatchBlock)
  DELETE old
}
CALL {
  WITH p, row
  UNWIND row.keys AS k
  MERGE (b:MatchBlock {key: k.key})
  ON CREATE SET b.rule = k.rule
  MERGE (p)-[:IN_BLOCK]->(b)
}
RETURN count(p) AS personas
