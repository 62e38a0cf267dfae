// Fragment: the identifier a consent `@parent` applies to, or null. No parameters.
head(COLLECT {
  MATCH (@parent)-[:FOR]->(@self:Identifier)
  RETURN @self {@properties(.type, .value, .shared) @fields}
})
