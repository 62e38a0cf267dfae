// An instance's poll of the feed, in one read: how many committed changes wait for a place (the
// sequencer's check, from the label count store, so it costs the same whatever the size of the
// feed), and a page of the changes after a place, in feed order (what the tailer reads; its later
// pages come from here too). An idle instance polls four times a second; as two statements, each
// woke Neo4j's threads and cost it several ms of CPU.
// $after: Integer, $limit: Integer → waiting: Integer, changes: [map]
CALL () {
  MATCH (c:Unsequenced)
  RETURN count(c) AS waiting
}
CALL () {
  MATCH (c:Change)
  WHERE c.seq > $after
  // Ordered and limited before the projection, so the seq index gives the order and a page reads
  // only its own rows, however far back the cursor is.
  WITH c
  ORDER BY c.seq
  LIMIT $limit
  RETURN collect(c {.seq, .id, .type, .at, .personaIds, .personIds, .data}) AS changes
}
RETURN waiting, changes
