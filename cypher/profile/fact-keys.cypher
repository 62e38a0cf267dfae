// Every registered (typed) fact key, by key.
// (no parameters) → factKey
MATCH (k:FactKey) WHERE k.mapped = true AND k.type IS NOT NULL
RETURN k {.key, .label, .type, .allowedValues, sensitive: coalesce(k.sensitive, false)} AS factKey
ORDER BY k.key
