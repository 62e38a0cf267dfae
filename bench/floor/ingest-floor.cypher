// Benchmark floor, not used by the API: the evidence writes of ingest as one hand-written statement
// per batch (events, personas, identifiers, devices, HAS_IDENTIFIER, USES, OBSERVED, BY, STRONG
// LINKED pairs, mentions, consents), without validation, normalization, grouping into persons,
// limits or the change outbox.
// $rows: [{id, type, occurredAt, source, campaign, purpose, personaKey, context, authenticated,
//          deviceId, identifiers: [{type, value}], mentions: [{role, type, value}],
//          consents: [{purpose, channel, granted}]}]
UNWIND $rows AS row
MERGE (e:Event {id: row.id})
ON CREATE SET e.type = row.type, e.occurredAt = datetime(row.occurredAt), e.source = row.source,
  e.campaign = row.campaign, e.purpose = row.purpose
WITH e, row
CALL (e, row) {
  UNWIND row.identifiers AS key
  MERGE (i:Identifier {type: key.type, value: key.value})
  ON CREATE SET i.shared = false
  MERGE (e)-[:BY]->(i)
  RETURN collect(i) AS identifiers
}
CALL (e, row, identifiers) {
  WITH e, row, identifiers WHERE row.personaKey IS NOT NULL
  MERGE (p:Persona {key: row.personaKey})
  ON CREATE SET p.id = randomUUID(), p.context = row.context
  MERGE (e)-[:BY]->(p)
  FOREACH (i IN identifiers |
    MERGE (p)-[h:HAS_IDENTIFIER]->(i)
    ON CREATE SET h.eventId = row.id, h.since = datetime(row.occurredAt), h.strength = 'STRONG')
  FOREACH (c IN row.consents |
    CREATE (p)-[:GAVE]->(:Consent {purpose: c.purpose, channel: c.channel, granted: c.granted,
      at: datetime(row.occurredAt)}))
}
CALL (e, row, identifiers) {
  WITH e, row, identifiers WHERE row.deviceId IS NOT NULL
  MERGE (d:Device {id: row.deviceId})
  MERGE (e)-[:BY]->(d)
  FOREACH (i IN identifiers | MERGE (d)-[:OBSERVED]->(i))
  WITH d, row
  OPTIONAL MATCH (p:Persona {key: row.personaKey})
  FOREACH (x IN CASE WHEN p IS NULL THEN [] ELSE [p] END | MERGE (x)-[:USES]->(d))
}
CALL (e, row) {
  UNWIND row.mentions AS m
  MERGE (i:Identifier {type: m.type, value: m.value})
  ON CREATE SET i.shared = false
  MERGE (e)-[:MENTIONS {role: m.role}]->(i)
}
CALL (row, identifiers) {
  WITH row, identifiers WHERE row.authenticated
  UNWIND identifiers AS a
  UNWIND identifiers AS b
  WITH row, a, b WHERE elementId(a) < elementId(b)
  MERGE (a)-[l:LINKED]->(b)
  ON CREATE SET l.strength = 'STRONG', l.eventId = row.id
}
RETURN count(*) AS events
