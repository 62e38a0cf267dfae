// One event with what it was by and what it mentions.
// $id: String → event, personaId, identifiers, mentions
MATCH (e:Event {id: $id})
OPTIONAL MATCH (e)-[:BY]->(p:Persona)
RETURN e {.id, .type, .occurredAt, .source} AS event, p.id AS personaId,
       [(e)-[:BY]->(i:Identifier) | i {.type, .value, .shared}] AS identifiers,
       [(e)-[m:MENTIONS]->(i:Identifier) | {role: m.role, identifier: i {.type, .value, .shared}}] AS mentions
