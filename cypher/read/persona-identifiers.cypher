// Fragment: the identifiers a persona `@parent` holds, most recent evidence first (as
// identity/identifiers-of-personas). No parameters.
COLLECT {
  MATCH (@parent)-[@self_h:HAS_IDENTIFIER]->(@self:Identifier)
  RETURN @self {@properties(.type, .value, .shared) @fields}
  ORDER BY @self_h.lastAt DESC, @self.type, @self.value
}
