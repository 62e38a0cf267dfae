// Revokes the assertions between two personas; the record stays, inactive, with the reason.
// $a, $b: String persona ids, $reason: String, $actor: String → revoked
MATCH (a:Persona {id: $a})-[s:SAME_PERSON]-(b:Persona {id: $b})
WHERE s.active
SET s.active = false, s.revokedReason = $reason, s.revokedBy = $actor, s.revokedAt = datetime()
RETURN count(s) AS revoked
