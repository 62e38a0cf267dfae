// Ingest, step 1 of 3: the nodes a batch names, locked in sorted order (identifiers, then events,
// devices and personas by key), so concurrent batches queue instead of deadlocking. Only events this
// transaction created (e.ingestTx = $txId) count: a replayed or concurrent duplicate adds nothing.
// $txId: String; $identifiers: [{type, value}] sorted; $events: [{id, type, occurredAt, source,
// channel, purpose, authenticated, amount, currency}] sorted by id; $devices: [{id, updates: [{eventId,
// kind, os, browser, hardwareId, source, at}] oldest first}] sorted by id; $personas: [{key, updates:
// [{eventId, context, label, at}] oldest first}] sorted by key
// → fresh: [id], personas: [{key, id, created, context, label, oldContext, oldLabel}]
CALL {
  UNWIND $identifiers AS key
  MERGE (i:Identifier {type: key.type, value: key.value})
  ON CREATE SET i.shared = false, i.firstSeen = datetime()
  // Takes the identifier's write lock without writing: Neo4j locks before it compares, and an unchanged
  // value is not written (an ever-new transaction id here rewrote every identifier of every batch).
  SET i.type = key.type
  RETURN count(*) AS identifiersLocked
}
CALL {
  WITH identifiersLocked
  UNWIND $events AS row
  MERGE (e:Event {id: row.id})
  ON CREATE SET e.type = row.type, e.occurredAt = datetime(row.occurredAt), e.source = row.source,
                e.channel = row.channel, e.purpose = row.purpose, e.authenticated = row.authenticated,
                e.amount = row.amount, e.currency = row.currency,
                e.ingestedAt = datetime(), e.ingestTx = $txId
  WITH row, e WHERE e.ingestTx = $txId
  RETURN collect(row.id) AS fresh
}
CALL {
  // A device named by several fresh events is merged once: the latest kind, os and browser given win,
  // and each hardware it ran on is linked once, with the first of those events' provenance.
  WITH fresh
  UNWIND $devices AS row
  WITH row, [u IN row.updates WHERE u.eventId IN fresh] AS updates
  WHERE size(updates) > 0
  MERGE (d:Device {id: row.id})
  SET d.kind = coalesce(reduce(v = null, u IN updates | coalesce(u.kind, v)), d.kind),
      d.os = coalesce(reduce(v = null, u IN updates | coalesce(u.os, v)), d.os),
      d.browser = coalesce(reduce(v = null, u IN updates | coalesce(u.browser, v)), d.browser)
  WITH d, [n IN range(0, size(updates) - 1)
           WHERE updates[n].hardwareId IS NOT NULL
             AND none(m IN range(0, n - 1) WHERE updates[m].hardwareId = updates[n].hardwareId)
           | updates[n]] AS onHardware
  UNWIND onHardware AS u
  MERGE (h:Device {id: u.hardwareId})
  ON CREATE SET h.isHardware = true
  MERGE (d)-[r:ON_HARDWARE]->(h)
  ON CREATE SET r.strength = 'WEAK', r.eventId = u.eventId, r.source = u.source, r.since = datetime(u.at)
  RETURN count(*) AS devicesMerged
}
CALL {
  // The latest fresh event's context and label win for a persona named several times in one batch.
  WITH fresh, devicesMerged
  UNWIND $personas AS row
  WITH row, [u IN row.updates WHERE u.eventId IN fresh] AS updates
  WHERE size(updates) > 0
  WITH row, updates,
       reduce(c = null, u IN updates | coalesce(u.context, c)) AS context,
       reduce(l = null, u IN updates | coalesce(u.label, l)) AS label
  MERGE (p:Persona {key: row.key})
  ON CREATE SET p.id = randomUUID(), p.context = coalesce(context, 'OTHER'), p.label = label,
                p.createdAt = datetime(updates[0].at), p.createdTx = $txId
  WITH p, row, context, label, p.createdTx = $txId AS created, p.context AS oldContext, p.label AS oldLabel
  SET p.context = coalesce(context, p.context), p.label = coalesce(label, p.label)
  RETURN collect({key: row.key, id: p.id, created: created, context: p.context, label: p.label,
                  oldContext: oldContext, oldLabel: oldLabel}) AS personas
}
RETURN fresh, personas
