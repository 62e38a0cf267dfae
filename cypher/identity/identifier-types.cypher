// Every registered identifier type.
// (no parameters) → type: {name, kind, contactChannel, maxPersonas, blockedValues}
MATCH (t:IdentifierType)
RETURN t {.name, .kind, .contactChannel, .maxPersonas, blockedValues: coalesce(t.blockedValues, [])} AS type
ORDER BY t.name
