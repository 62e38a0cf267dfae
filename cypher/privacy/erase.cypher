// Deletes what erasure-scope found, with every relationship of it, and the link suggestions naming
// its personas (with the values they compared); then the persons left empty.
// $personaIds, $personIds, $deviceIds, $eventIds, $factIds, $consentIds: [String],
// $identifiers: [{type, value}]
CALL {
  UNWIND $factIds AS id
  MATCH (f:Fact {id: id})
  DETACH DELETE f
}
CALL {
  UNWIND $consentIds AS id
  MATCH (c:Consent {id: id})
  DETACH DELETE c
}
CALL {
  UNWIND $eventIds AS id
  MATCH (e:Event {id: id})
  DETACH DELETE e
}
CALL {
  UNWIND $identifiers AS key
  MATCH (i:Identifier {type: key.type, value: key.value}) USING INDEX SEEK i:Identifier(type, value)
  DETACH DELETE i
}
CALL {
  UNWIND $deviceIds AS id
  MATCH (d:Device {id: id})
  DETACH DELETE d
}
CALL {
  UNWIND $personaIds AS id
  MATCH (:Persona {id: id})<-[:SUGGESTS]-(s:Suggestion)
  WITH DISTINCT s
  DETACH DELETE s
}
CALL {
  UNWIND $personaIds AS id
  MATCH (p:Persona {id: id})
  DETACH DELETE p
}
CALL {
  UNWIND $personIds AS id
  MATCH (person:Person {id: id})
  WHERE NOT (person)-[:HAS_PERSONA]->()
  DETACH DELETE person
}
