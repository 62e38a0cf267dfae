// Removes erased identifier values from audit entries' details (the entry itself stays).
// $values: [String] → blanked
MATCH (a:AuditEntry)
WHERE any(v IN $values WHERE a.details CONTAINS v)
SET a.details = '{"redacted":"erasure"}'
RETURN count(a) AS blanked
