// Facts with provenance: stated by the event, held by the actor's persona. Unknown keys are stored and
// flagged for mapping.
// $rows: [{eventId, personaKey, key, value (JSON), method, source, at, confidence}] → key, unmapped, personaId
UNWIND $rows AS row
MATCH (e:Event {id: row.eventId})
MATCH (p:Persona {key: row.personaKey})
MERGE (k:FactKey {key: row.key})
ON CREATE SET k.mapped = false, k.sensitive = false, k.firstSeen = datetime()
CREATE (f:Fact {id: randomUUID(), key: row.key, value: row.value, method: row.method, source: row.source,
                at: datetime(row.at), confidence: row.confidence, eventId: row.eventId})
CREATE (e)-[:STATED]->(f)
CREATE (p)-[:HAS_FACT]->(f)
RETURN row.key AS key, NOT k.mapped AS unmapped, p.id AS personaId
