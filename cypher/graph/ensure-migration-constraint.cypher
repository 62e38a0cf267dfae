// Makes migration records unique, so concurrent starts record each migration once.
// (no parameters)
CREATE CONSTRAINT migration_name IF NOT EXISTS FOR (m:Migration) REQUIRE m.name IS UNIQUE
