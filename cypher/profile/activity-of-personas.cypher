// The personas' events by type (by them, or by an identifier they hold), for traceability.
// $ids: [String] persona ids → type, count, lastAt
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
WITH DISTINCT e
RETURN e.type AS type, count(e) AS count, max(e.occurredAt) AS lastAt
