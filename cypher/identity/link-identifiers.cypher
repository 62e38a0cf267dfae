// Evidence that identifiers go together: STRONG when an authenticated actor used them in one event,
// WEAK when they merely co-occurred. One edge per pair (a before b), upgraded, never downgraded.
// $rows: [{aType, aValue, bType, bValue, strength, eventId, source, at}]
UNWIND $rows AS row
MATCH (a:Identifier {type: row.aType, value: row.aValue})
MATCH (b:Identifier {type: row.bType, value: row.bValue})
MERGE (a)-[l:LINKED]->(b)
ON CREATE SET l.strength = row.strength, l.eventId = row.eventId, l.source = row.source, l.since = datetime(row.at)
SET l.strength = CASE WHEN row.strength = 'STRONG' THEN 'STRONG' ELSE l.strength END,
    l.lastEventId = row.eventId, l.lastAt = datetime(row.at)
