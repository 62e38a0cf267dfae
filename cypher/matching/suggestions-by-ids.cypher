// Suggestions by id.
// $ids: [String] → suggestion
UNWIND $ids AS id
MATCH (s:Suggestion {id: id})
RETURN s {.id, .personaIds, .probability, .matchWeight, .comparisons, .status, .reviewedBy, .reviewedAt,
          .reason} AS suggestion
