// Fragment, root: the persona with an id, or null (Query.persona(id:)).
// $@root_id: String persona id (e.g. $r0_id for the first root)
head(COLLECT {
  MATCH (@self:Persona {id: $@root_id})
  RETURN @self {@properties(.id, .key, .context, .label) @fields}
})
