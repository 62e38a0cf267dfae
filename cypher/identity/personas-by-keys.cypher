// Personas by key.
// $keys: [String] → persona: {id, key, context, label}
MATCH (p:Persona) WHERE p.key IN $keys
RETURN p {.id, .key, .context, .label} AS persona
