// Fragment: the personas of a person `@parent` (as identity/personas-of-persons). No parameters.
COLLECT {
  MATCH (@parent)-[:HAS_PERSONA]->(@self:Persona)
  RETURN @self {@properties(.id, .key, .context, .label) @fields}
  ORDER BY @self.key
}
