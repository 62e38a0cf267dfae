// The values of the compared fields of some personas (as persona-values), and their persons.
// $ids: [String], $factKeys: [String], $types: [String]
// → id, personId, facts: [{key, value}], identifiers: [{type, value}]
UNWIND $ids AS id
MATCH (p:Persona {id: id})
RETURN p.id AS id,
       [(person:Person)-[:HAS_PERSONA]->(p) | person.id][0] AS personId,
       [(p)-[:HAS_FACT]->(f:Fact) WHERE f.key IN $factKeys | f {.key, .value}] AS facts,
       [(p)-[:HAS_IDENTIFIER]->(i:Identifier) WHERE i.type IN $types AND NOT coalesce(i.shared, false)
        | i {.type, .value}] AS identifiers
