// The server's own name, version and edition, as the database reports them.
// (no parameters) → name: String, version: String, edition: String
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions[0] AS version, edition
