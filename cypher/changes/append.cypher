// Records profile changes in the writer's own transaction: a rolled-back write leaves none. They have
// no place in the feed yet (:Unsequenced); the sequencer gives them one after they commit
// (changes/assign-seqs), so writers never wait on a shared counter. Within a transaction, the
// sequencer keeps them in the order recorded: `at` (the transaction's time) and `txKey` are the same
// for all of them, `ordinal` counts them across every call the transaction makes.
// $txKey: String (one per transaction), $offset: Integer (changes this transaction recorded before),
// $changes: [{type: String, personaIds: [String], personIds: [String], data: String (JSON)}]
UNWIND range(0, size($changes) - 1) AS i
WITH $changes[i] AS change, $offset + i AS ordinal
CREATE (c:Change:Unsequenced {
  id: randomUUID(),
  type: change.type,
  at: datetime.transaction(),
  txKey: $txKey,
  ordinal: ordinal,
  personaIds: change.personaIds,
  personIds: change.personIds,
  data: change.data
})
