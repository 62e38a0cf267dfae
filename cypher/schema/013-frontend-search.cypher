// Indexes for search (identifier value prefix across types, label words in any case), and the key
// that derives opaque identifier ids (Identifier.id) without revealing values.
CREATE INDEX identifier_value IF NOT EXISTS FOR (i:Identifier) ON (i.value);
CREATE FULLTEXT INDEX persona_label IF NOT EXISTS FOR (p:Persona) ON EACH [p.label];
MERGE (k:IdentifierIdKey {name: 'identifier-id'}) ON CREATE SET k.secret = randomUUID() + randomUUID();
