// Stores new events, idempotent on id; returns only the ids this transaction created, so a replayed
// or concurrent duplicate is counted once and adds nothing.
// $txId: String, $events: [{id, type, occurredAt (ISO), source, channel, purpose, authenticated, personaKey}]
UNWIND $events AS row
MERGE (e:Event {id: row.id})
ON CREATE SET e.type = row.type, e.occurredAt = datetime(row.occurredAt), e.source = row.source,
              e.channel = row.channel, e.purpose = row.purpose, e.authenticated = row.authenticated,
              e.ingestedAt = datetime(), e.ingestTx = $txId
WITH e, row WHERE e.ingestTx = $txId
RETURN row.id AS id
