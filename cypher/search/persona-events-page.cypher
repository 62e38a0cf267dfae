// One page of a persona's events, newest first, after a keyset cursor (occurredAt, id); one more row
// than asked tells whether another page follows.
// $personaId: String, $afterAt: String (ISO) or null, $afterId: String or null, $limit: Int → event, identifiers, mentions
MATCH (p:Persona {id: $personaId})<-[:BY]-(e:Event)
WHERE $afterAt IS NULL OR e.occurredAt < datetime($afterAt)
   OR (e.occurredAt = datetime($afterAt) AND e.id < $afterId)
RETURN e {.id, .type, .occurredAt, .source} AS event,
       [(e)-[:BY]->(i:Identifier) | i {.type, .value, .shared}] AS identifiers,
       [(e)-[m:MENTIONS]->(i:Identifier) | {role: m.role, identifier: i {.type, .value, .shared}}] AS mentions
ORDER BY e.occurredAt DESC, e.id DESC
LIMIT $limit + 1
