// Keeps an OPEN suggestion for each scored pair, one node per pair: created, re-opened when it was
// STALE, or re-scored when OPEN. A pair with a verdict (SAME, DIFFERENT) is left alone, and so is a
// pair whose personas are one person already. Never a grouping: nothing else follows SUGGESTS.
// $run: String, $rows: [{id: String (for a new one), pair: String, a: String, b: String,
//   probability: Float, matchWeight: Float, comparisons: String (JSON)}]
// → id, personaIds, personIds, probability, isNew (created or re-opened)
UNWIND $rows AS row
MATCH (a:Persona {id: row.a})
MATCH (b:Persona {id: row.b})
WHERE NOT EXISTS { (a)<-[:HAS_PERSONA]-(:Person)-[:HAS_PERSONA]->(b) }
MERGE (s:Suggestion {pair: row.pair})
ON CREATE SET s.id = row.id, s.createdAt = datetime()
WITH s, a, b, row, s.status AS before
WHERE before IS NULL OR before IN ['OPEN', 'STALE']
SET s.status = 'OPEN', s.personaIds = [row.a, row.b], s.probability = row.probability,
    s.matchWeight = row.matchWeight, s.comparisons = row.comparisons,
    s.scoredAt = datetime(), s.run = $run
MERGE (s)-[:SUGGESTS]->(a)
MERGE (s)-[:SUGGESTS]->(b)
RETURN s.id AS id, s.personaIds AS personaIds,
       [(person:Person)-[:HAS_PERSONA]->(x:Persona) WHERE x.id IN s.personaIds | person.id] AS personIds,
       s.probability AS probability, before IS NULL OR before = 'STALE' AS isNew
