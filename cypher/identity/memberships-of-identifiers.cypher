// Every membership each identifier has or had, oldest first (DataLoader batch): current ones
// (HAS_IDENTIFIER), ended ones (HELD: recycled or replaced) and those an admin removed (DETACHED).
// $keys: [{type, value}] → type, value, persona, from, lastSeen, strength, to, endedBy
UNWIND $keys AS key
MATCH (i:Identifier {type: key.type, value: key.value})<-[m:HAS_IDENTIFIER|HELD|DETACHED]-(p:Persona)
USING INDEX SEEK i:Identifier(type, value)
WITH key, p, m,
     coalesce(m.since, m.at) AS from,
     CASE type(m) WHEN 'HAS_IDENTIFIER' THEN null WHEN 'HELD' THEN m.to ELSE m.at END AS to
RETURN key.type AS type, key.value AS value, p {.id, .key, .context, .label} AS persona,
       from, coalesce(m.lastAt, from) AS lastSeen, coalesce(m.strength, 'WEAK') AS strength, to,
       CASE type(m) WHEN 'HAS_IDENTIFIER' THEN null WHEN 'HELD' THEN m.endedBy ELSE 'DETACHED' END AS endedBy
ORDER BY from, p.key
