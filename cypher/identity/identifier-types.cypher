// Every registered identifier type.
// (no parameters) → type: {name, kind, contactChannel, maxPersonas, blockedValues, staleAfterDays,
// recycleAfterDays}
MATCH (t:IdentifierType)
RETURN t {.name, .kind, .contactChannel, .maxPersonas, blockedValues: coalesce(t.blockedValues, []),
          .staleAfterDays, .recycleAfterDays} AS type
ORDER BY t.name
