// Personas whose key starts with the text, shortest keys first (the unique constraint's index serves it).
// $text: String, $limit: Int → persona
MATCH (p:Persona) WHERE p.key STARTS WITH $text
RETURN p {.id, .key, .context, .label} AS persona
ORDER BY size(p.key), p.key
LIMIT $limit
