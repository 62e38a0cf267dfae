// Every question of the registry, by key.
// (no parameters) → question
MATCH (q:Question) WHERE q.mapped = true
RETURN q {.key, .factKey, .text, .options, .valueExchange, .afterQuestion, .afterAnswers, .cooldownDays} AS question
ORDER BY q.key
