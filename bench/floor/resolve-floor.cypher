// Benchmark floor, not used by the API: a PERSON-scope resolution as one hand-written statement —
// the anchor's personas, their person, its personas' emails and the latest consent — without the
// policy engine, explanation or fact precedence.
// $type, $value: String, $purpose: String
MATCH (a:Identifier {type: $type, value: $value})<-[:HAS_IDENTIFIER]-(p:Persona)<-[:HAS_PERSONA]-(person:Person)
MATCH (person)-[:HAS_PERSONA]->(m:Persona)-[:HAS_IDENTIFIER]->(c:Identifier {type: 'email'})
WHERE NOT c.shared
OPTIONAL MATCH (m)-[:GAVE]->(consent:Consent {purpose: $purpose, channel: 'EMAIL'})
WITH person, m, c, consent ORDER BY consent.at DESC
WITH person, m, c, head(collect(consent.granted)) AS granted
RETURN person.id AS person, collect({persona: m.key, contact: c.value, granted: granted}) AS contacts
