// Fragment, root: the personas holding these keys (Query.personas), in no order (the caller orders
// them as asked). `@self` is this level's persona, `@fields` the levels asked below it.
// $@root_keys: [String] persona keys (e.g. $r0_keys for the first root)
COLLECT {
  MATCH (@self:Persona) WHERE @self.key IN $@root_keys
  RETURN @self {@properties(.id, .key, .context, .label) @fields}
}
