// Persona membership from evidence: the actor's identifiers join the persona it acted in, each edge
// with its first and last evidence. An identifier detached from a persona for a reason stays detached.
// $txId: String, $rows: [{personaKey, type, value, eventId, source, at, strength}] → personaId, type, value, created
UNWIND $rows AS row
MATCH (p:Persona {key: row.personaKey})
MATCH (i:Identifier {type: row.type, value: row.value})
WHERE NOT (p)-[:DETACHED]->(i)
MERGE (p)-[h:HAS_IDENTIFIER]->(i)
ON CREATE SET h.eventId = row.eventId, h.source = row.source, h.since = datetime(row.at),
              h.strength = row.strength, h.createdTx = $txId
SET h.lastEventId = CASE WHEN h.lastAt IS NULL OR datetime(row.at) >= h.lastAt THEN row.eventId ELSE h.lastEventId END,
    h.lastAt = CASE WHEN h.lastAt IS NULL OR datetime(row.at) >= h.lastAt THEN datetime(row.at) ELSE h.lastAt END,
    h.strength = CASE WHEN row.strength = 'STRONG' THEN 'STRONG' ELSE h.strength END
RETURN p.id AS personaId, i.type AS type, i.value AS value, h.createdTx = $txId AS created
