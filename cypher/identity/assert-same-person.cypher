// Records an explicit, sourced assertion that two personas are one person (re-activates a revoked one).
// $a, $b: String persona ids (a < b), $evidence: String, $actor: String → found
MATCH (a:Persona {id: $a})
MATCH (b:Persona {id: $b})
MERGE (a)-[s:SAME_PERSON]->(b)
ON CREATE SET s.since = datetime()
SET s.active = true, s.evidence = $evidence, s.assertedBy = $actor, s.assertedAt = datetime()
RETURN count(s) AS found
