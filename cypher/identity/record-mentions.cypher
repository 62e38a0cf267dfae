// Identifiers named in an event for someone else (a guest, a gift recipient): kept on the event only,
// never linked to the actor or its persona.
// $rows: [{eventId, role, type, value}]
UNWIND $rows AS row
MATCH (e:Event {id: row.eventId})
MATCH (i:Identifier {type: row.type, value: row.value})
MERGE (e)-[:MENTIONS {role: row.role}]->(i)
