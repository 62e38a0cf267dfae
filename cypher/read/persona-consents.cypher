// Fragment: the consents a persona `@parent` gave, newest first, with the contact point each applies
// to (as identity/consents-of-personas). No parameters.
COLLECT {
  MATCH (@parent)-[:GAVE]->(@self:Consent)
  OPTIONAL MATCH (@self)-[:FOR]->(@self_i:Identifier)
  RETURN @self {.id, .purpose, .channel, .granted, .at, personaId: @parent.id,
                identifier: CASE WHEN @self_i IS NULL THEN null ELSE @self_i {.type, .value} END @fields}
  ORDER BY @self.at DESC
}
