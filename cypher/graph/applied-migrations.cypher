// Names of the migrations already applied to this database.
// (no parameters) → name: String
MATCH (m:Migration) RETURN m.name AS name
