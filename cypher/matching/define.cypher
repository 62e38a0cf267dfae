// Replaces the matching model whole: a new definition forgets what training learned for the old one.
// $definition: String (JSON) → definition
MERGE (m:Matching {name: 'default'})
SET m.definition = $definition, m.trained = null, m.definedAt = datetime()
RETURN m.definition AS definition
