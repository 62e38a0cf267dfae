// Floor for bench-order-prep (PERSON scope, account, needs the interests fact): the person of the
// account's holders and every persona's facts. The person is trusted as grouped.
// $value: String (the account as stored)
MATCH (a:Identifier {type: 'account', value: $value})<-[:HAS_IDENTIFIER]-(:Persona)<-[:HAS_PERSONA]-(person:Person)
WHERE NOT coalesce(a.shared, false)
WITH DISTINCT person
MATCH (person)-[:HAS_PERSONA]->(m:Persona)
RETURN person.id AS person,
       collect({
         persona: m.key,
         facts: [(m)-[:HAS_FACT]->(f:Fact) |
                  {key: f.key, value: f.value, at: f.at, sensitive: EXISTS { (:FactKey {key: f.key, sensitive: true}) }}]
       }) AS personas
