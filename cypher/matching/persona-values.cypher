// A page of personas, in id order, with the values of the compared fields: their facts of the keys
// and their current identifiers of the types (shared ones left out: they say nothing about a person),
// and the person each belongs to.
// $after: String ('' for the first page), $limit: Int, $factKeys: [String], $types: [String]
// → id, personId, facts: [{key, value}], identifiers: [{type, value}]
MATCH (p:Persona)
WHERE p.id > $after
WITH p ORDER BY p.id LIMIT $limit
RETURN p.id AS id,
       [(person:Person)-[:HAS_PERSONA]->(p) | person.id][0] AS personId,
       [(p)-[:HAS_FACT]->(f:Fact) WHERE f.key IN $factKeys | f {.key, .value}] AS facts,
       [(p)-[:HAS_IDENTIFIER]->(i:Identifier) WHERE i.type IN $types AND NOT coalesce(i.shared, false)
        | i {.type, .value}] AS identifiers
