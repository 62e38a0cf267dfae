// Fragment, root: the persona holding a key, or null (Query.persona(key:)).
// $@root_key: String persona key (e.g. $r0_key for the first root)
head(COLLECT {
  MATCH (@self:Persona {key: $@root_key})
  RETURN @self {@properties(.id, .key, .context, .label) @fields}
})
