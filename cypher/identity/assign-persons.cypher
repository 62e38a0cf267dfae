// Moves personas into the person their component of evidence says (creating the person if new).
// $assignments: [{personaId, personId}] sorted by personaId
UNWIND $assignments AS row
MERGE (person:Person {id: row.personId})
ON CREATE SET person.createdAt = datetime()
WITH person, row
MATCH (p:Persona {id: row.personaId})
OPTIONAL MATCH (old:Person)-[r:HAS_PERSONA]->(p)
WHERE old.id <> row.personId
DELETE r
MERGE (person)-[h:HAS_PERSONA]->(p)
ON CREATE SET h.since = datetime()
