// Registers or updates a fact key: its type and allowed values apply to events ingested from now on.
// A definition that leaves sensitive out keeps what the key had (allergy stays sensitive).
// $factKey: {key, label?, type, allowedValues?, sensitive?} → factKey, wasMapped
MERGE (k:FactKey {key: $factKey.key})
WITH k, coalesce(k.mapped, false) AS wasMapped
SET k.label = $factKey.label, k.type = $factKey.type, k.allowedValues = $factKey.allowedValues,
    k.sensitive = coalesce($factKey.sensitive, k.sensitive, false), k.mapped = true, k.definedAt = datetime()
RETURN k {.key, .label, .type, .allowedValues, .sensitive} AS factKey, wasMapped
