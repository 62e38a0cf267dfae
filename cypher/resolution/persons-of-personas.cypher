// The persons of personas with every persona of each, and what groups them (for the explanation).
// $ids: [String] persona ids → personaId, personId, members, sharedIdentifiers, assertions
MATCH (person:Person)-[:HAS_PERSONA]->(p:Persona)
USING INDEX SEEK p:Persona(id)
WHERE p.id IN $ids
MATCH (person)-[:HAS_PERSONA]->(m:Persona)
WITH p, person, collect(m {.id, .key, .context, .label}) AS members
RETURN p.id AS personaId, person.id AS personId, members,
       [(person)-[:HAS_PERSONA]->(a:Persona)-[:HAS_IDENTIFIER]->(i:Identifier)<-[:HAS_IDENTIFIER]-(b:Persona)<-[:HAS_PERSONA]-(person)
          WHERE elementId(a) < elementId(b) AND NOT coalesce(i.shared, false) | {a: a.key, b: b.key, type: i.type, value: i.value}] AS sharedIdentifiers,
       [(person)-[:HAS_PERSONA]->(a:Persona)-[s:SAME_PERSON]->(b:Persona)<-[:HAS_PERSONA]-(person)
          WHERE s.active | {a: a.key, b: b.key, evidence: s.evidence}] AS assertions
