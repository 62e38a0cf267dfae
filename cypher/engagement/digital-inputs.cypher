// What each person's digital profile is computed from (one row per person found), over all its
// personas: device kinds used (with their events), events per channel, self-service events, consents granted and
// withdrawn, DIRECT facts volunteered, and questions asked and answered (events by a persona or by an
// identifier it holds, unless shared: a switchboard phone's events are not this person's behaviour);
// the channel and device the person said it prefers (the latest DIRECT fact of each key, JSON text);
// and the group the last scoring run left it in.
// $personIds: [String]; $selfServiceTypes: [String]; $channelFactKey, $deviceFactKey: String
// → personId, personaIds: [String], lastGroup: String | null, deviceKinds: [{kind, uses: events}],
//   channels: [{channel, events}], selfService: Int, granted: Int, withdrawn: Int, directFacts: Int,
//   asked: Int, answered: Int, statedChannel, statedDevice: String | null
UNWIND $personIds AS personId
MATCH (person:Person {id: personId})
CALL (person) {
  MATCH (person)-[:HAS_PERSONA]->(p:Persona)
  CALL (p) {
    MATCH (p)<-[:BY]-(e:Event) RETURN e
    UNION
    MATCH (p)-[:HAS_IDENTIFIER]->(i:Identifier)<-[:BY]-(e:Event) WHERE NOT coalesce(i.shared, false) RETURN e
  }
  RETURN collect(DISTINCT e) AS events
}
RETURN
  person.id AS personId,
  [(person)-[:HAS_PERSONA]->(p:Persona) | p.id] AS personaIds,
  person.digitalGroup AS lastGroup,
  // Each kind of device the person's personas use, with how many of the person's events came from a
  // device of that kind: the preferred device is the one used most, not the kind with most devices.
  COLLECT {
    CALL (person, events) {
      UNWIND events AS e
      MATCH (e)-[:BY]->(d:Device)
      WHERE d.kind IS NOT NULL
      RETURN d.kind AS kind, e
      UNION
      MATCH (person)-[:HAS_PERSONA]->(:Persona)-[:USES]->(d:Device)
      WHERE d.kind IS NOT NULL
      RETURN d.kind AS kind, null AS e
    }
    WITH kind, count(DISTINCT e) AS uses
    RETURN {kind: kind, uses: uses} AS deviceKind ORDER BY uses DESC, kind
  } AS deviceKinds,
  COLLECT {
    UNWIND events AS e
    WITH e.channel AS channel, count(*) AS n WHERE channel IS NOT NULL
    RETURN {channel: channel, events: n} AS used ORDER BY n DESC, channel
  } AS channels,
  size([e IN events WHERE e.type IN $selfServiceTypes]) AS selfService,
  COUNT { (person)-[:HAS_PERSONA]->(:Persona)-[:GAVE]->(c:Consent) WHERE c.granted } AS granted,
  COUNT { (person)-[:HAS_PERSONA]->(:Persona)-[:GAVE]->(c:Consent) WHERE NOT c.granted } AS withdrawn,
  COUNT { (person)-[:HAS_PERSONA]->(:Persona)-[:HAS_FACT]->(f:Fact) WHERE f.method = 'DIRECT' } AS directFacts,
  size([e IN events WHERE EXISTS { (e)-[:ASKED]->() }]) AS asked,
  size([e IN events WHERE EXISTS { (e)-[:ANSWERED]->() }]) AS answered,
  COLLECT {
    MATCH (person)-[:HAS_PERSONA]->(:Persona)-[:HAS_FACT]->(f:Fact {key: $channelFactKey})
    WHERE f.method = 'DIRECT'
    RETURN f.value ORDER BY f.at DESC LIMIT 1
  }[0] AS statedChannel,
  COLLECT {
    MATCH (person)-[:HAS_PERSONA]->(:Persona)-[:HAS_FACT]->(f:Fact {key: $deviceFactKey})
    WHERE f.method = 'DIRECT'
    RETURN f.value ORDER BY f.at DESC LIMIT 1
  }[0] AS statedDevice
