// What ingest checks facts and answers against, read once per batch: typed fact keys and mapped questions.
// (no parameters) → factKeys: [map], questions: [map]
CALL {
  MATCH (k:FactKey) WHERE k.mapped = true AND k.type IS NOT NULL
  RETURN collect(k {.key, .label, .type, .allowedValues, sensitive: coalesce(k.sensitive, false)}) AS factKeys
}
CALL {
  MATCH (q:Question) WHERE q.mapped = true
  RETURN collect(q {.key, .factKey, .text, .options, .valueExchange, .afterQuestion, .afterAnswers,
                    .cooldownDays}) AS questions
}
RETURN factKeys, questions
