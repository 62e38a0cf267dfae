// Fragment: the devices a persona `@parent` uses (as identity/devices-of-personas). No parameters.
COLLECT {
  MATCH (@parent)-[:USES]->(@self:Device)
  RETURN @self {@properties(.id, .kind) @fields}
  ORDER BY @self.id
}
