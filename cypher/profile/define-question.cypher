// Registers or updates a question of the progressive-profiling registry.
// $question: {key, factKey, text, options?, valueExchange?, afterQuestion?, afterAnswers?, cooldownDays}
// → question, wasMapped
MERGE (q:Question {key: $question.key})
WITH q, coalesce(q.mapped, false) AS wasMapped
SET q += $question, q.mapped = true, q.definedAt = datetime()
RETURN q {.key, .factKey, .text, .options, .valueExchange, .afterQuestion, .afterAnswers, .cooldownDays} AS question,
       wasMapped
