// Records a reviewer's verdict on an OPEN suggestion.
// $id: String, $verdict: 'SAME' | 'DIFFERENT', $reviewer: String, $reason: String → suggestion, personIds
MATCH (s:Suggestion {id: $id, status: 'OPEN'})
SET s.status = $verdict, s.reviewedBy = $reviewer, s.reviewedAt = datetime(), s.reason = $reason
RETURN s {.id, .personaIds, .probability, .matchWeight, .comparisons, .status, .reviewedBy, .reviewedAt,
          .reason} AS suggestion
