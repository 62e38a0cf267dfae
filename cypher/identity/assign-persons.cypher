// Moves personas into the person their component of evidence says (creating the person if new).
// $assignments: [{personaId, personId}] sorted by personaId
UNWIND $assignments AS row
MERGE (person:Person {id: row.personId})
ON CREATE SET person.createdAt = datetime()
WITH person, row
MATCH (p:Persona {id: row.personaId})
CALL {
  // Expanded from the persona: a predicate on old.id alone would tempt the planner to scan persons.
  WITH p, row
  MATCH (p)<-[r:HAS_PERSONA]-(old)
  WHERE old.id <> row.personId
  DELETE r
}
MERGE (person)-[h:HAS_PERSONA]->(p)
ON CREATE SET h.since = datetime()
