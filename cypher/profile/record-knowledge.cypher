// Questions asked and answers given in new events; a question key nobody defined yet is kept unmapped.
// $rows: [{eventId, asked: [String], answers: [{question, value (JSON)}]}]
// → eventId, question, value, answered, unmapped, personaId (the event's persona)
UNWIND $rows AS row
MATCH (e:Event {id: row.eventId})
CALL {
  WITH e, row
  UNWIND row.asked AS key
  MERGE (q:Question {key: key}) ON CREATE SET q.mapped = false
  MERGE (e)-[:ASKED]->(q)
  RETURN q.key AS question, null AS value, false AS answered, NOT q.mapped AS unmapped
  UNION
  WITH e, row
  UNWIND row.answers AS answer
  MERGE (q:Question {key: answer.question}) ON CREATE SET q.mapped = false
  MERGE (e)-[r:ANSWERED]->(q) ON CREATE SET r.value = answer.value
  RETURN q.key AS question, answer.value AS value, true AS answered, NOT q.mapped AS unmapped
}
OPTIONAL MATCH (e)-[:BY]->(p:Persona)
RETURN row.eventId AS eventId, question, value, answered, unmapped, p.id AS personaId
