// Identifiers that glue the most personas into persons: the unshared identifiers held by more than one
// persona, with how many personas and persons hold them. A card or a phone at the top of this list
// that should not link people is a candidate for a lower maxPersonas or a blocked value.
// $limit: Int → type, value, personas, persons, maxPersonas
:param limit => 20

MATCH (i:Identifier)<-[:HAS_IDENTIFIER]-(p:Persona)
WHERE NOT coalesce(i.shared, false)
WITH i, collect(p) AS holders
WHERE size(holders) > 1
OPTIONAL MATCH (t:IdentifierType {name: i.type})
UNWIND holders AS holder
OPTIONAL MATCH (person:Person)-[:HAS_PERSONA]->(holder)
RETURN i.type AS type, i.value AS value, size(holders) AS personas, count(DISTINCT person) AS persons,
       t.maxPersonas AS maxPersonas
ORDER BY personas DESC, type, value
LIMIT $limit;
