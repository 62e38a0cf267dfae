// Messages of a purpose sent within a window to personas, to identifiers they hold, or to the given
// identifiers: the marketing pressure a cap limits.
// $ids: [String] persona ids, $identifiers: [{type, value}], $purpose: String, $windowDays: Int → sent
CALL {
  UNWIND $ids AS id
  MATCH (p:Persona {id: id})
  USING INDEX SEEK p:Persona(id)
  MATCH (e:Event {type: 'message_sent', purpose: $purpose})-[:BY]->(p)
  RETURN e
  UNION
  UNWIND $ids AS id
  MATCH (p:Persona {id: id})-[:HAS_IDENTIFIER]->(:Identifier)<-[:BY]-(e:Event {type: 'message_sent', purpose: $purpose})
  USING INDEX SEEK p:Persona(id)
  RETURN e
  UNION
  UNWIND $identifiers AS key
  MATCH (i:Identifier {type: key.type, value: key.value})<-[:BY]-(e:Event {type: 'message_sent', purpose: $purpose})
  USING INDEX SEEK i:Identifier(type, value)
  RETURN e
}
WITH DISTINCT e WHERE e.occurredAt >= datetime() - duration({days: $windowDays})
RETURN count(e) AS sent
