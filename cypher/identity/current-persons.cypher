// The person each persona is grouped into now, and that person's other personas.
// $ids: [String] persona ids → personaId, personId, memberIds
UNWIND $ids AS id
MATCH (p:Persona {id: id})
OPTIONAL MATCH (person:Person)-[:HAS_PERSONA]->(p)
OPTIONAL MATCH (person)-[:HAS_PERSONA]->(member:Persona)
RETURN id AS personaId, person.id AS personId, collect(member.id) AS memberIds
