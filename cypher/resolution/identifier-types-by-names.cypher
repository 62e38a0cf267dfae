// Identifier types by name (their contact channels).
// $names: [String] → name, contactChannel
MATCH (t:IdentifierType) WHERE t.name IN $names
RETURN t.name AS name, t.contactChannel AS contactChannel
