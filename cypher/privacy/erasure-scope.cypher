// What an erasure removes: the personas (of a person, or one persona), and whatever belongs only to
// them. An identifier still held by another persona, or a device still used by one, stays for them.
// $personId: String | null, $personaId: String | null
// → personaIds, personIds, identifiers: [{type, value}], deviceIds, eventIds, factIds, consentIds,
//   remainingPersonaIds (the other personas of their persons), keptIdentifiers (held by others too)
CALL {
  MATCH (:Person {id: $personId})-[:HAS_PERSONA]->(p:Persona)
  RETURN p
  UNION
  MATCH (p:Persona {id: $personaId})
  RETURN p
}
WITH collect(p) AS personas
CALL {
  WITH personas
  UNWIND personas AS p
  MATCH (person:Person)-[:HAS_PERSONA]->(p)
  RETURN collect(DISTINCT person.id) AS personIds
}
CALL {
  WITH personas
  UNWIND personas AS p
  MATCH (person:Person)-[:HAS_PERSONA]->(p)
  MATCH (person)-[:HAS_PERSONA]->(other:Persona)
  WHERE NOT other IN personas
  RETURN collect(DISTINCT other.id) AS remainingPersonaIds
}
CALL {
  WITH personas
  UNWIND personas AS p
  MATCH (p)-[:HAS_IDENTIFIER]->(i:Identifier)<-[:HAS_IDENTIFIER]-(other:Persona)
  WHERE NOT other IN personas
  RETURN collect(DISTINCT i {.type, .value}) AS keptIdentifiers
}
CALL {
  WITH personas
  UNWIND personas AS p
  MATCH (p)-[:USES]->(d:Device)
  WHERE NOT EXISTS { MATCH (d)<-[:USES]-(other:Persona) WHERE NOT other IN personas }
  RETURN collect(DISTINCT d) AS devices
}
CALL {
  // The hardware those devices ran on, unless a device that stays runs on it too.
  WITH personas, devices
  UNWIND devices AS d
  MATCH (d)-[:ON_HARDWARE]->(h:Device)
  WHERE NOT EXISTS { MATCH (h)<-[:ON_HARDWARE]-(other:Device) WHERE NOT other IN devices }
    AND NOT EXISTS { MATCH (h)<-[:USES]-(other:Persona) WHERE NOT other IN personas }
  RETURN collect(DISTINCT h) AS hardware
}
WITH personas, personIds, remainingPersonaIds, keptIdentifiers, devices + hardware AS devices
CALL {
  // Identifiers they held (or had detached), saw on their devices, or acted with.
  WITH personas, devices
  CALL {
    WITH personas
    UNWIND personas AS p
    MATCH (p)-[:HAS_IDENTIFIER|DETACHED]->(i:Identifier)
    RETURN i
    UNION
    WITH devices
    UNWIND devices AS d
    MATCH (d)-[:OBSERVED]->(i:Identifier)
    RETURN i
    UNION
    WITH personas
    UNWIND personas AS p
    MATCH (p)<-[:BY]-(:Event)-[:BY]->(i:Identifier)
    RETURN i
  }
  WITH DISTINCT i, personas, devices
  WHERE NOT EXISTS { MATCH (i)<-[:HAS_IDENTIFIER]-(other:Persona) WHERE NOT other IN personas }
    AND NOT EXISTS { MATCH (i)<-[:OBSERVED]-(other:Device) WHERE NOT other IN devices }
  RETURN collect(i) AS identifiers
}
CALL {
  // Their events, and anonymous events by what is erased; never an event by a persona that stays.
  WITH personas, devices, identifiers
  CALL {
    WITH personas
    UNWIND personas AS p
    MATCH (p)<-[:BY]-(e:Event)
    RETURN e
    UNION
    WITH identifiers
    UNWIND identifiers AS i
    MATCH (i)<-[:BY]-(e:Event)
    RETURN e
    UNION
    WITH devices
    UNWIND devices AS d
    MATCH (d)<-[:BY]-(e:Event)
    RETURN e
  }
  WITH DISTINCT e, personas
  WHERE NOT EXISTS { MATCH (e)-[:BY]->(other:Persona) WHERE NOT other IN personas }
  RETURN collect(e.id) AS eventIds
}
CALL {
  WITH personas
  UNWIND personas AS p
  MATCH (p)-[:HAS_FACT]->(f:Fact)
  RETURN collect(DISTINCT f.id) AS factIds
}
CALL {
  WITH personas
  UNWIND personas AS p
  MATCH (p)-[:GAVE]->(c:Consent)
  RETURN collect(DISTINCT c.id) AS consentIds
}
RETURN [p IN personas | p.id] AS personaIds, personIds,
       [i IN identifiers | i {.type, .value}] AS identifiers, [d IN devices | d.id] AS deviceIds,
       eventIds, factIds, consentIds, remainingPersonaIds, keptIdentifiers
