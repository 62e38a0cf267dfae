// Records an admin action (manual links, detachments, policy changes) for the audit trail.
// $action: String, $actor: String, $details: String (JSON)
CREATE (:AuditEntry {id: randomUUID(), action: $action, actor: $actor, details: $details, at: datetime()})
