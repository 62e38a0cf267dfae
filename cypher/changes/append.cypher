// Records profile changes in the writer's own transaction: a rolled-back write leaves none.
// $changes: [{type: String, personaIds: [String], personIds: [String], data: String (JSON)}]
UNWIND $changes AS change
CREATE (c:Change:Unsequenced {
  id: randomUUID(),
  type: change.type,
  at: datetime(),
  personaIds: change.personaIds,
  personIds: change.personIds,
  data: change.data
})
