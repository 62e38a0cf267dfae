// Marketing pressure over an identifier's person: the messages of a purpose sent in the window to each
// persona of the persons holding the identifier (or to an identifier that persona holds), and those
// sent to the identifier itself. No row: the identifier is not known.
// $type, $value: String (normalized); $purpose: String; $windowDays: Int; $now: String
// → personas: [{persona, sent: [event id]}] (by key), direct: [event id]
MATCH (a:Identifier {type: $type, value: $value})
WITH a, datetime($now) AS now
CALL (a) {
  // Two MATCHes: in one pattern the holder's own HAS_PERSONA could not be walked twice, leaving it out.
  OPTIONAL MATCH (a)<-[:HAS_IDENTIFIER]-(:Persona)<-[:HAS_PERSONA]-(person:Person)
  OPTIONAL MATCH (person)-[:HAS_PERSONA]->(m:Persona)
  RETURN collect(DISTINCT m) AS members
}
CALL (members, now) {
  UNWIND members AS m
  CALL (m, now) {
    CALL (m) {
      MATCH (m)<-[:BY]-(e:Event {type: 'message_sent', purpose: $purpose}) RETURN e
      UNION
      MATCH (m)-[:HAS_IDENTIFIER]->(:Identifier)<-[:BY]-(e:Event {type: 'message_sent', purpose: $purpose}) RETURN e
    }
    WITH e, now WHERE e.occurredAt >= now - duration({days: $windowDays}) AND e.occurredAt <= now
    RETURN collect(e.id) AS sent
  }
  WITH m, sent ORDER BY m.key
  RETURN collect({persona: m {.id, .key, .context, .label}, sent: sent}) AS personas
}
CALL (a, now) {
  OPTIONAL MATCH (a)<-[:BY]-(e:Event {type: 'message_sent', purpose: $purpose})
  WHERE e.occurredAt >= now - duration({days: $windowDays}) AND e.occurredAt <= now
  RETURN collect(e.id) AS direct
}
RETURN personas, direct
