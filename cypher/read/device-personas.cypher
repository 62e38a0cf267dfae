// Fragment: the personas using a device `@parent` (as identity/personas-of-devices). No parameters.
COLLECT {
  MATCH (@self:Persona)-[:USES]->(@parent)
  RETURN @self {@properties(.id, .key, .context, .label) @fields}
  ORDER BY @self.key
}
