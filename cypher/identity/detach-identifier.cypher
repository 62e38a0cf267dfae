// Removes an identifier from a persona and keeps the record of why; later events do not re-attach it.
// $personaId: String, $type, $value: String, $reason: String, $actor: String → detached
MATCH (p:Persona {id: $personaId})-[h:HAS_IDENTIFIER]->(i:Identifier {type: $type, value: $value})
USING INDEX SEEK i:Identifier(type, value)
MERGE (p)-[d:DETACHED]->(i)
SET d.reason = $reason, d.by = $actor, d.at = datetime(), d.evidenceEventId = h.eventId,
    d.since = h.since, d.lastAt = h.lastAt
DELETE h
RETURN count(d) AS detached
