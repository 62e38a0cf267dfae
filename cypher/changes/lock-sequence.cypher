// Takes the feed's sequence lock for the rest of the transaction, then reads the last place given.
// Writing a property before reading is Neo4j's documented way to read under a write lock (Operations
// Manual, "Concurrent data access", lost updates): sequencers on every instance serialize here, and
// only here; writers never touch this node.
// (no parameters) → last: Integer
MERGE (s:ChangeSequence {name: 'changes'})
  ON CREATE SET s.last = 0, s.prunedThrough = 0
SET s.lockedAt = datetime()
WITH s
RETURN s.last AS last
