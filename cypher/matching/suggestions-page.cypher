// A page of suggestions of a status, highest probability first (then by id), after a cursor.
// $status: String, $minProbability: Float, $afterProbability: Float | null, $afterId: String, $limit: Int
// → suggestion
MATCH (s:Suggestion)
WHERE s.status = $status AND s.probability >= $minProbability
  AND ($afterProbability IS NULL OR s.probability < $afterProbability
       OR (s.probability = $afterProbability AND s.id > $afterId))
WITH s ORDER BY s.probability DESC, s.id LIMIT $limit
RETURN s {.id, .personaIds, .probability, .matchWeight, .comparisons, .status, .reviewedBy, .reviewedAt,
          .reason} AS suggestion
