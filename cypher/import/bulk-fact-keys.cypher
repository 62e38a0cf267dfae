// Every fact key with whether it is mapped and sensitive: a bulk import's facts are flagged unmapped
// and sensitive as ingest-records.cypher would flag them.
// (no parameters) → key, mapped, sensitive
MATCH (k:FactKey)
RETURN k.key AS key, coalesce(k.mapped, false) AS mapped, coalesce(k.sensitive, false) AS sensitive
