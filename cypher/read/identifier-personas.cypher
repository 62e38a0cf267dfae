// Fragment: the personas holding an identifier `@parent` (as identity/personas-of-identifiers).
// No parameters.
COLLECT {
  MATCH (@parent)<-[:HAS_IDENTIFIER]-(@self:Persona)
  RETURN @self {@properties(.id, .key, .context, .label) @fields}
  ORDER BY @self.key
}
