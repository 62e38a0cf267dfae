// Persons with many personas: groupings worth a look (one human with many accounts, or evidence that
// glued strangers). Lists the contexts and how the personas were grouped.
// $minPersonas: Int, $limit: Int → person, personas, contexts, keys, assertions
:param minPersonas => 3
:param limit => 20

MATCH (person:Person)-[:HAS_PERSONA]->(p:Persona)
WITH person, collect(p) AS personas
WHERE size(personas) >= $minPersonas
RETURN person.id AS person, size(personas) AS personas,
       reduce(cs = [], p IN personas | CASE WHEN p.context IN cs THEN cs ELSE cs + p.context END) AS contexts,
       [p IN personas | p.key][..10] AS keys,
       size([(a:Persona)-[s:SAME_PERSON]->(b:Persona) WHERE s.active AND a IN personas AND b IN personas | s]) AS assertions
ORDER BY personas DESC, person
LIMIT $limit;
