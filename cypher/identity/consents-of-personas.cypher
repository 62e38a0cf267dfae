// The consents each persona gave, newest first, with the contact point each applies to.
// $ids: [String] persona ids → personaId, consent, identifier
MATCH (p:Persona)-[:GAVE]->(c:Consent) WHERE p.id IN $ids
OPTIONAL MATCH (c)-[:FOR]->(i:Identifier)
RETURN p.id AS personaId, c {.id, .purpose, .channel, .granted, .at} AS consent,
       CASE WHEN i IS NULL THEN null ELSE i {.type, .value} END AS identifier
ORDER BY c.at DESC
