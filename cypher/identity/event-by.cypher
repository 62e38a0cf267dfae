// Connects events to what they were by: the persona, the identifiers and the device.
// $rows: [{eventId, personaKey?, identifiers: [{type, value}], deviceId?}]
UNWIND $rows AS row
MATCH (e:Event {id: row.eventId})
CALL {
  WITH e, row
  MATCH (p:Persona {key: row.personaKey})
  MERGE (e)-[:BY]->(p)
}
CALL {
  WITH e, row
  UNWIND row.identifiers AS key
  MATCH (i:Identifier {type: key.type, value: key.value})
  MERGE (e)-[:BY]->(i)
}
CALL {
  WITH e, row
  MATCH (d:Device {id: row.deviceId})
  MERGE (e)-[:BY]->(d)
}
