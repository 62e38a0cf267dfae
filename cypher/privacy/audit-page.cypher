// A page of the audit log, newest first, after a cursor (the `at` and id of the last entry read).
// $afterAt: String (ISO) | null, $afterId: String | null, $limit: Integer → entry: map
MATCH (a:AuditEntry)
WHERE $afterAt IS NULL OR a.at < datetime($afterAt) OR (a.at = datetime($afterAt) AND a.id < $afterId)
WITH a
ORDER BY a.at DESC, a.id DESC
LIMIT $limit
RETURN a {.id, .action, .actor, .details, .at, atText: toString(a.at)} AS entry
