// Fragment: the devices an identifier `@parent` was observed on (as identity/devices-of-identifiers).
// No parameters.
COLLECT {
  MATCH (@parent)<-[:OBSERVED]-(@self:Device)
  RETURN @self {@properties(.id, .kind) @fields}
  ORDER BY @self.id
}
