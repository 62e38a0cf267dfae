// Ingest, step 2 of 3: the evidence of the events step 1 created (its `fresh`: every row here is of
// one of them, filtered before the call): what each was by and whom it mentions, persona membership,
// identifier links, device observations. A relationship named by several events of the batch is one
// row (ingest.plan.ts evidenceParams): its first event's provenance if new, `last…` from the latest.
// $txId: String; $eventRows: [{eventId, personaKey, identifiers: [{type, value}], deviceId,
// mentions: [{role, type, value}]}]; $attachments: [{eventId, personaKey, type, value, source, at,
// strength, strong, lastEventId, lastAt, eventIds}] in batch order; $links: [{eventId, aType, aValue,
// bType, bValue, strength, strong, source, at, lastEventId, lastAt}]; $observations: [{eventId,
// deviceId, type, value, source, at, lastAt}]; $uses: [{eventId, personaKey, deviceId, strength,
// strong, source, at, lastAt}]; $replacements: [{n, eventId, personaKey, type, value, at}] (the
// persona's own membership ends); $recyclings: [{type, value, days, latestAt, candidates: [{n, eventId,
// personaKey, at}] in batch order}] (every other holder silent for `days` before a candidate's `at`)
// → attached: [{eventId, personaId, type, value}] (memberships this transaction created, one per
//   event that named them), ended: [{n, eventId, personaId, type, value, reason}] (memberships this
//   transaction ended; n: the ending's place in the plan)
// Identifiers are looked up with their key's index named, so the plan cannot turn into a scan of the
// index on Identifier.value as the graph's statistics change (see ingest-records.cypher).
CALL {
  // What each fresh event was by, and whom it mentions (never linked to the actor).
  UNWIND $eventRows AS row
  MATCH (e:Event {id: row.eventId})
  // An event without a persona or device looks none up (a WHERE would be planned after the lookup).
  CALL {
    WITH e, row
    UNWIND CASE WHEN row.personaKey IS NULL THEN [] ELSE [row.personaKey] END AS personaKey
    MATCH (p:Persona {key: personaKey})
    CREATE (e)-[:BY]->(p)
  }
  CALL {
    WITH e, row
    UNWIND row.identifiers AS key
    MATCH (i:Identifier {type: key.type, value: key.value}) USING INDEX SEEK i:Identifier(type, value)
    CREATE (e)-[:BY]->(i)
  }
  CALL {
    WITH e, row
    UNWIND CASE WHEN row.deviceId IS NULL THEN [] ELSE [row.deviceId] END AS deviceId
    MATCH (d:Device {id: deviceId})
    CREATE (e)-[:BY]->(d)
  }
  CALL {
    WITH e, row
    UNWIND row.mentions AS m
    MATCH (i:Identifier {type: m.type, value: m.value}) USING INDEX SEEK i:Identifier(type, value)
    CREATE (e)-[:MENTIONS {role: m.role}]->(i)
  }
  RETURN count(*) AS connected
}
CALL {
  // Membership from evidence; an identifier detached from a persona for a reason stays detached.
  WITH connected
  UNWIND $attachments AS row
  MATCH (p:Persona {key: row.personaKey})
  MATCH (i:Identifier {type: row.type, value: row.value}) USING INDEX SEEK i:Identifier(type, value)
  // One look at p's DETACHED and HELD relationships to i, not one per type.
  WHERE NOT EXISTS { (p)-[r:DETACHED|HELD]->(i) WHERE type(r) = 'DETACHED' OR r.endedBy = 'REPLACED' }
  MERGE (p)-[h:HAS_IDENTIFIER]->(i)
  ON CREATE SET h.eventId = row.eventId, h.source = row.source, h.since = datetime(row.at),
                h.strength = row.strength, h.createdTx = $txId
  SET h.lastEventId = CASE WHEN h.lastAt IS NULL OR datetime(row.lastAt) >= h.lastAt THEN row.lastEventId ELSE h.lastEventId END,
      h.lastAt = CASE WHEN h.lastAt IS NULL OR datetime(row.lastAt) >= h.lastAt THEN datetime(row.lastAt) ELSE h.lastAt END,
      h.strength = CASE WHEN row.strong THEN 'STRONG' ELSE h.strength END
  WITH row, p, i, h WHERE h.createdTx = $txId
  UNWIND row.eventIds AS eventId
  RETURN collect({eventId: eventId, personaId: p.id, type: i.type, value: i.value}) AS attached
}
CALL {
  // Memberships that end keep their history as HELD (from, last seen, to, why). First the persona's own
  // replaced identifiers, found from the persona (the identifier may have many holders).
  WITH attached
  UNWIND $replacements AS row
  MATCH (q:Persona {key: row.personaKey})-[h:HAS_IDENTIFIER]->(i:Identifier)
  WHERE i.type = row.type AND i.value = row.value
  CREATE (q)-[held:HELD]->(i)
  SET held = properties(h), held.to = datetime(row.at), held.endedBy = 'REPLACED',
      held.endedByEventId = row.eventId
  DELETE h
  RETURN collect({n: row.n, eventId: row.eventId, personaId: q.id, type: i.type, value: i.value,
                  reason: 'REPLACED'}) AS replaced
}
CALL {
  // Then a recycled identifier's holders silent for `days` before a new STRONG holder proved it: each
  // ended by the first such event in batch order that is not its own. The holders are read once per
  // identifier; only the silent ones are matched against the candidates.
  WITH replaced
  UNWIND $recyclings AS row
  MATCH (i:Identifier {type: row.type, value: row.value}) USING INDEX SEEK i:Identifier(type, value)
  MATCH (q:Persona)-[h:HAS_IDENTIFIER]->(i)
  WITH row, i, q, h, coalesce(h.lastAt, h.since) AS lastAt
  WHERE lastAt < datetime(row.latestAt) - duration({days: row.days})
  WITH row, i, q, h, head([c IN row.candidates
                           WHERE lastAt < datetime(c.at) - duration({days: row.days}) AND c.personaKey <> q.key]) AS by
  WHERE by IS NOT NULL
  CREATE (q)-[held:HELD]->(i)
  SET held = properties(h), held.to = datetime(by.at), held.endedBy = 'RECYCLED',
      held.endedByEventId = by.eventId
  DELETE h
  RETURN collect({n: by.n, eventId: by.eventId, personaId: q.id, type: i.type, value: i.value,
                  reason: 'RECYCLED'}) AS recycled
}
CALL {
  // Identifiers that go together: STRONG when an authenticated actor used them in one event, WEAK
  // when they merely co-occurred. One edge per pair (a before b), upgraded, never downgraded.
  WITH recycled
  UNWIND $links AS row
  MATCH (a:Identifier {type: row.aType, value: row.aValue}) USING INDEX SEEK a:Identifier(type, value)
  MATCH (b:Identifier {type: row.bType, value: row.bValue}) USING INDEX SEEK b:Identifier(type, value)
  MERGE (a)-[l:LINKED]->(b)
  ON CREATE SET l.strength = row.strength, l.eventId = row.eventId, l.source = row.source, l.since = datetime(row.at)
  SET l.strength = CASE WHEN row.strong THEN 'STRONG' ELSE l.strength END,
      l.lastEventId = row.lastEventId, l.lastAt = datetime(row.lastAt)
  RETURN count(*) AS linked
}
CALL {
  // The device framework: identifiers observed on a device (WEAK).
  WITH linked
  UNWIND $observations AS row
  MATCH (d:Device {id: row.deviceId})
  MATCH (i:Identifier {type: row.type, value: row.value}) USING INDEX SEEK i:Identifier(type, value)
  MERGE (d)-[o:OBSERVED]->(i)
  ON CREATE SET o.strength = 'WEAK', o.eventId = row.eventId, o.source = row.source, o.since = datetime(row.at)
  SET o.lastAt = datetime(row.lastAt)
  RETURN count(*) AS observed
}
CALL {
  // The persona using a device (STRONG when the actor was authenticated).
  WITH observed
  UNWIND $uses AS row
  MATCH (p:Persona {key: row.personaKey})
  MATCH (d:Device {id: row.deviceId})
  MERGE (p)-[u:USES]->(d)
  ON CREATE SET u.strength = row.strength, u.eventId = row.eventId, u.source = row.source, u.since = datetime(row.at)
  SET u.strength = CASE WHEN row.strong THEN 'STRONG' ELSE u.strength END, u.lastAt = datetime(row.lastAt)
  RETURN count(*) AS used
}
RETURN attached, replaced + recycled AS ended
