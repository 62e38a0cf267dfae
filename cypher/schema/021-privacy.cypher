// Erased identifiers are looked up by their keyed hash on every ingest; the audit log pages by time.
CREATE CONSTRAINT erased_identifier_hash IF NOT EXISTS FOR (x:ErasedIdentifier) REQUIRE x.hash IS UNIQUE;
CREATE INDEX audit_entry_at IF NOT EXISTS FOR (a:AuditEntry) ON (a.at);
