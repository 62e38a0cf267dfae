// Fragment: the person of a persona `@parent`, or null (as identity/person-of-personas). No parameters.
head(COLLECT {
  MATCH (@self:Person)-[:HAS_PERSONA]->(@parent)
  RETURN @self {.id @fields}
})
