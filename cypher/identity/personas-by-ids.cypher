// Personas by id (DataLoader batch).
// $ids: [String] → persona: {id, key, context, label}
MATCH (p:Persona) WHERE p.id IN $ids
RETURN p {.id, .key, .context, .label} AS persona
