// Floor for bench-office-contact (PERSON scope from a phone, email, marketing consent): the person of
// the phone's holders (a switchboard number is shared and reaches nobody), its personas' unshared
// emails, marketing consents latest first, and facts. The person is trusted as grouped.
// $value: String (the phone as stored)
MATCH (a:Identifier {type: 'phone', value: $value})<-[:HAS_IDENTIFIER]-(:Persona)<-[:HAS_PERSONA]-(person:Person)
WHERE NOT coalesce(a.shared, false)
WITH DISTINCT person
MATCH (person)-[:HAS_PERSONA]->(m:Persona)
RETURN person.id AS person,
       collect({
         persona: m.key,
         emails: [(m)-[:HAS_IDENTIFIER]->(c:Identifier {type: 'email'}) WHERE NOT coalesce(c.shared, false) | c.value],
         consents: COLLECT {
           MATCH (m)-[:GAVE]->(k:Consent {purpose: 'marketing'})
           RETURN {channel: k.channel, granted: k.granted, identifier: head([(k)-[:FOR]->(i) | i.value])} ORDER BY k.at DESC
         },
         facts: [(m)-[:HAS_FACT]->(f:Fact) |
                  {key: f.key, value: f.value, at: f.at, sensitive: EXISTS { (:FactKey {key: f.key, sensitive: true}) }}]
       }) AS personas
