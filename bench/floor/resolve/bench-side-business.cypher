// Floor for bench-side-business (PERSON scope, BUSINESS personas, email, marketing consent, at most 3
// marketing messages in 30 days): the person of the email's holders, its business personas with their
// unshared emails, marketing consents latest first, facts, and marketing messages sent in the window
// to the persona or to an identifier it holds. The person is trusted as grouped (no re-check of the
// evidence between its personas).
// $value: String (the email as stored); $now: String (ISO date-time)
MATCH (a:Identifier {type: 'email', value: $value})<-[:HAS_IDENTIFIER]-(:Persona)<-[:HAS_PERSONA]-(person:Person)
WHERE NOT coalesce(a.shared, false)
WITH DISTINCT person, datetime($now) - duration({days: 30}) AS since
MATCH (person)-[:HAS_PERSONA]->(m:Persona {context: 'BUSINESS'})
RETURN person.id AS person,
       collect({
         persona: m.key,
         emails: [(m)-[:HAS_IDENTIFIER]->(c:Identifier {type: 'email'}) WHERE NOT coalesce(c.shared, false) | c.value],
         consents: COLLECT {
           MATCH (m)-[:GAVE]->(k:Consent {purpose: 'marketing'})
           RETURN {channel: k.channel, granted: k.granted, identifier: head([(k)-[:FOR]->(i) | i.value])} ORDER BY k.at DESC
         },
         facts: [(m)-[:HAS_FACT]->(f:Fact) |
                  {key: f.key, value: f.value, at: f.at, sensitive: EXISTS { (:FactKey {key: f.key, sensitive: true}) }}],
         sent: COUNT {
           MATCH (m)<-[:BY]-(e:Event {type: 'message_sent', purpose: 'marketing'}) WHERE e.occurredAt >= since
           RETURN e
           UNION
           MATCH (m)-[:HAS_IDENTIFIER]->(:Identifier)<-[:BY]-(e:Event {type: 'message_sent', purpose: 'marketing'})
           WHERE e.occurredAt >= since
           RETURN e
         }
       }) AS personas
