// The device framework: identifiers observed on a device (WEAK), and the persona using the device
// (STRONG when the actor was authenticated).
// $observations: [{deviceId, type, value, eventId, source, at}], $uses: [{personaKey, deviceId, strength, eventId, source, at}]
CALL {
  UNWIND $observations AS row
  MATCH (d:Device {id: row.deviceId})
  MATCH (i:Identifier {type: row.type, value: row.value})
  MERGE (d)-[o:OBSERVED]->(i)
  ON CREATE SET o.strength = 'WEAK', o.eventId = row.eventId, o.source = row.source, o.since = datetime(row.at)
  SET o.lastAt = datetime(row.at)
}
CALL {
  UNWIND $uses AS row
  MATCH (p:Persona {key: row.personaKey})
  MATCH (d:Device {id: row.deviceId})
  MERGE (p)-[u:USES]->(d)
  ON CREATE SET u.strength = row.strength, u.eventId = row.eventId, u.source = row.source, u.since = datetime(row.at)
  SET u.strength = CASE WHEN row.strength = 'STRONG' THEN 'STRONG' ELSE u.strength END, u.lastAt = datetime(row.at)
}
