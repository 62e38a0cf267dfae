// Fragment, root: the identifier with a type and (normalized) value, or null (Query.identifier).
// $@root_type: String, $@root_value: String normalized (e.g. $r0_type, $r0_value for the first root)
head(COLLECT {
  MATCH (@self:Identifier {type: $@root_type, value: $@root_value})
  RETURN @self {@properties(.type, .value, .shared) @fields}
})
