// Creates the identifiers a batch names and write-locks them (in the given sorted order, to avoid
// deadlocks): a concurrent batch attaching the same identifier waits, then sees this one's edges.
// $txId: String, $identifiers: [{type, value}] sorted by type, value
UNWIND $identifiers AS row
MERGE (i:Identifier {type: row.type, value: row.value})
ON CREATE SET i.shared = false, i.firstSeen = datetime()
SET i.lastTx = $txId
