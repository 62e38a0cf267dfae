// Registers or updates an identifier type.
// $name, $kind: String, $contactChannel: String?, $maxPersonas: Int, $blockedValues: [String],
// $staleAfterDays: Int?, $recycleAfterDays: Int?
MERGE (t:IdentifierType {name: $name})
SET t.kind = $kind, t.contactChannel = $contactChannel, t.maxPersonas = $maxPersonas,
    t.blockedValues = $blockedValues, t.staleAfterDays = $staleAfterDays,
    t.recycleAfterDays = $recycleAfterDays, t.updatedAt = datetime()
RETURN t {.name, .kind, .contactChannel, .maxPersonas, .blockedValues, .staleAfterDays, .recycleAfterDays} AS type
