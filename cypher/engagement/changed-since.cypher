// Scoring, step 3: the personas a run changed, with their person and new engagement, a page at a time
// (for the ENGAGEMENT_CHANGED changes).
// $now: String (the run); $afterId: String ('' for the first page); $limit: Int
// → personaId, personId, engagement
MATCH (g:Engagement) WHERE g.changedAt = datetime($now) AND g.personaId > $afterId
WITH g ORDER BY g.personaId LIMIT $limit
OPTIONAL MATCH (person:Person)-[:HAS_PERSONA]->(:Persona {id: g.personaId})
RETURN g.personaId AS personaId, person.id AS personId, g {.*} AS engagement
