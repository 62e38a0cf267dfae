// Creates the personas events name (by key), or updates their context and label when given.
// $txId: String, $personas: [{key, context, label, at}] sorted by key → key, id, created, changed
UNWIND $personas AS row
MERGE (p:Persona {key: row.key})
ON CREATE SET p.id = randomUUID(), p.context = coalesce(row.context, 'OTHER'), p.label = row.label,
              p.createdAt = datetime(row.at), p.createdTx = $txId
WITH p, row, (p.createdTx = $txId) AS created,
     (row.context IS NOT NULL AND row.context <> p.context) OR (row.label IS NOT NULL AND row.label <> coalesce(p.label, '')) AS changed
SET p.context = coalesce(row.context, p.context), p.label = coalesce(row.label, p.label)
RETURN p.key AS key, p.id AS id, created, changed AND NOT created AS changed
