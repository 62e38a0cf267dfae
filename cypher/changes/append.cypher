// Records profile changes in the writer's own transaction: a rolled-back write leaves none. They have
// no place in the feed yet (:Unsequenced); the sequencer gives them one after they commit
// (changes/assign-seqs), so writers never wait on a shared counter. `at` is the real time of each
// row (datetime() would give one millisecond-precise time per statement), so changes recorded by one
// transaction keep their order; `ordinal` keeps it within a call even if two rows tie.
// $changes: [{type: String, personaIds: [String], personIds: [String], data: String (JSON)}]
UNWIND range(0, size($changes) - 1) AS ordinal
WITH $changes[ordinal] AS change, ordinal
CREATE (c:Change:Unsequenced {
  id: randomUUID(),
  type: change.type,
  at: datetime.realtime(),
  ordinal: ordinal,
  personaIds: change.personaIds,
  personIds: change.personIds,
  data: change.data
})
