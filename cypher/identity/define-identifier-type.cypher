// Registers or updates an identifier type.
// $name, $kind: String, $contactChannel: String?, $maxPersonas: Int, $blockedValues: [String]
MERGE (t:IdentifierType {name: $name})
SET t.kind = $kind, t.contactChannel = $contactChannel, t.maxPersonas = $maxPersonas,
    t.blockedValues = $blockedValues, t.updatedAt = datetime()
RETURN t {.name, .kind, .contactChannel, .maxPersonas, .blockedValues} AS type
