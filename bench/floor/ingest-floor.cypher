// Benchmark floor, not used by the API: the evidence writes of ingest as one hand-written statement
// (events, personas, identifiers, HAS_IDENTIFIER, BY, LINKED pairs), without validation,
// normalization, grouping into persons or the change outbox.
// $rows: [{id, type, occurredAt, source, personaKey, context, identifiers: [{type, value}]}]
UNWIND $rows AS row
MERGE (e:Event {id: row.id})
ON CREATE SET e.type = row.type, e.occurredAt = datetime(row.occurredAt), e.source = row.source
MERGE (p:Persona {key: row.personaKey})
ON CREATE SET p.id = randomUUID(), p.context = row.context
MERGE (e)-[:BY]->(p)
WITH e, p, row
UNWIND row.identifiers AS key
MERGE (i:Identifier {type: key.type, value: key.value})
ON CREATE SET i.shared = false
MERGE (p)-[h:HAS_IDENTIFIER]->(i)
ON CREATE SET h.eventId = row.id, h.since = datetime(row.occurredAt), h.strength = 'STRONG'
MERGE (e)-[:BY]->(i)
WITH row, collect(i) AS identifiers
UNWIND identifiers AS a
UNWIND identifiers AS b
WITH row, a, b WHERE elementId(a) < elementId(b)
MERGE (a)-[l:LINKED]->(b)
ON CREATE SET l.strength = 'STRONG', l.eventId = row.id
