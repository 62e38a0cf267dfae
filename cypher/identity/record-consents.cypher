// Consents given or withdrawn, kept as history (the latest wins when resolving), for one contact point
// or for every contact point of the channel in the persona.
// $rows: [{eventId, personaKey, purpose, channel, granted, source, at, type?, value?}] → personaId
UNWIND $rows AS row
MATCH (p:Persona {key: row.personaKey})
CREATE (c:Consent {id: randomUUID(), purpose: row.purpose, channel: row.channel, granted: row.granted,
                   source: row.source, at: datetime(row.at), eventId: row.eventId})
CREATE (p)-[:GAVE]->(c)
WITH c, row, p
CALL {
  WITH c, row
  MATCH (i:Identifier {type: row.type, value: row.value})
  CREATE (c)-[:FOR]->(i)
}
RETURN p.id AS personaId
