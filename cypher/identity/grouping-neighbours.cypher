// The grouping evidence around personas: other personas that share an identifier within its type's
// limit, or that an active assertion says are the same person.
// $ids: [String] persona ids → id, neighbourId
UNWIND $ids AS id
MATCH (p:Persona {id: id})
CALL {
  WITH p
  MATCH (p)-[:HAS_IDENTIFIER]->(i:Identifier)
  WHERE NOT coalesce(i.shared, false)
  MATCH (i)<-[:HAS_IDENTIFIER]-(q:Persona)
  WHERE q <> p
  RETURN q.id AS neighbourId
  UNION
  WITH p
  MATCH (p)-[a:SAME_PERSON]-(q:Persona)
  WHERE a.active
  RETURN q.id AS neighbourId
}
RETURN DISTINCT id, neighbourId
