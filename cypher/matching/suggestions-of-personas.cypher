// The suggestions naming some personas, of a status, highest probability first.
// $ids: [String], $status: String → personaId, suggestion
UNWIND $ids AS id
MATCH (:Persona {id: id})<-[:SUGGESTS]-(s:Suggestion {status: $status})
WITH id, s ORDER BY s.probability DESC, s.id
RETURN id AS personaId,
       s {.id, .personaIds, .probability, .matchWeight, .comparisons, .status, .reviewedBy, .reviewedAt,
          .reason} AS suggestion
