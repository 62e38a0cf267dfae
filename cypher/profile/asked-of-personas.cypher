// When each question was last put to the personas (events by them, or by an identifier they hold).
// $ids: [String] persona ids → question, lastAsked
MATCH (p:Persona) WHERE p.id IN $ids
CALL {
  WITH p
  MATCH (e:Event)-[:BY]->(p)
  RETURN e
  UNION
  WITH p
  MATCH (p)-[:HAS_IDENTIFIER]->(:Identifier)<-[:BY]-(e:Event)
  RETURN e
}
MATCH (e)-[:ASKED]->(q:Question)
RETURN q.key AS question, max(e.occurredAt) AS lastAsked
