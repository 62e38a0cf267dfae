// Fragment, root: the person with an id, or null (Query.person).
// $@root_id: String person id (e.g. $r0_id for the first root)
head(COLLECT {
  MATCH (@self:Person {id: $@root_id})
  RETURN @self {.id @fields}
})
