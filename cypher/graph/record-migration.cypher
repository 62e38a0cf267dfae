// Records that a migration ran.
// $name: String
MERGE (m:Migration {name: $name}) ON CREATE SET m.appliedAt = datetime()
