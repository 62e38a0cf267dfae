// Fragment: the identifiers observed on a device `@parent` (as identity/identifiers-of-devices).
// No parameters.
COLLECT {
  MATCH (@parent)-[:OBSERVED]->(@self:Identifier)
  RETURN @self {@properties(.type, .value, .shared) @fields}
  ORDER BY @self.type, @self.value
}
