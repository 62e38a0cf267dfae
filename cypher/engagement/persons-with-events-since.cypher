// Scoring, step 4: the persons whose digital profile may have moved since the last run, a page at a
// time: those with a persona that has events ingested since then (by the persona or by an identifier
// it holds); every person on the first run.
// $since: String | null (the last run); $afterId: String ('' for the first page); $limit: Int → personId
CALL {
  MATCH (e:Event) WHERE $since IS NOT NULL AND e.ingestedAt > datetime($since)
  CALL (e) {
    MATCH (e)-[:BY]->(p:Persona) RETURN p
    UNION
    MATCH (e)-[:BY]->(:Identifier)<-[:HAS_IDENTIFIER]-(p:Persona) RETURN p
  }
  MATCH (person:Person)-[:HAS_PERSONA]->(p)
  RETURN DISTINCT person
  UNION
  MATCH (person:Person) WHERE $since IS NULL
  RETURN person
}
WITH person WHERE person.id > $afterId
RETURN person.id AS personId ORDER BY personId LIMIT $limit
