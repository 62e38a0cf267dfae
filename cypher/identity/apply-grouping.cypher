// Moves personas into the persons their components of evidence say (creating new persons), then removes
// the persons a regrouping left without personas (a person holds nothing of its own).
// $assignments: [{personaId, personId}] sorted by personaId; $emptied: [String] person ids → assigned, removed
CALL {
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
  RETURN count(*) AS assigned
}
CALL {
  WITH assigned
  UNWIND $emptied AS id
  MATCH (person:Person {id: id})
  WHERE NOT (person)-[:HAS_PERSONA]->()
  DETACH DELETE person
  RETURN count(*) AS removed
}
RETURN assigned, removed
