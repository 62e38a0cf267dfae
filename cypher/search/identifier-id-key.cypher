// The secret that derives opaque identifier ids (created by migration 013).
// (no parameters) → secret: String
MATCH (k:IdentifierIdKey {name: 'identifier-id'})
RETURN k.secret AS secret
