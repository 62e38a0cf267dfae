// Stores what training learned (m, u, prior, term frequencies), for the definition it was trained on.
// $definition: String (JSON, the definition trained), $trained: String (JSON) → recorded
MATCH (m:Matching {name: 'default'})
WHERE m.definition = $definition
SET m.trained = $trained
RETURN count(m) AS recorded
