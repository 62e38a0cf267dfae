// Shared identifiers and their reach: identifiers held by more personas than their type allows (kept,
// never used to link), with the personas and persons that list them. A switchboard number or a family
// email shows up here.
// $limit: Int → type, value, personas, persons, maxPersonas, examples
:param limit => 20

MATCH (i:Identifier {shared: true})
OPTIONAL MATCH (t:IdentifierType {name: i.type})
MATCH (i)<-[:HAS_IDENTIFIER]-(p:Persona)
OPTIONAL MATCH (person:Person)-[:HAS_PERSONA]->(p)
WITH i, t, count(DISTINCT p) AS personas, count(DISTINCT person) AS persons, collect(DISTINCT p.key)[..5] AS examples
RETURN i.type AS type, i.value AS value, personas, persons, t.maxPersonas AS maxPersonas, examples
ORDER BY personas DESC, type, value
LIMIT $limit;
