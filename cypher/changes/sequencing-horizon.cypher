// The latest transaction time among changes waiting for a place: the sequencer's first look.
// A read at READ COMMITTED may miss a change committed while it runs yet see a later one, so
// the sequencer numbers, in a second look, only changes no later than what this first look saw:
// anything committed before a change it numbers began was committed before this look ended, so the
// second look sees it, and it sorts first.
// Read from the end of the waiting changes' index (migration 005): one entry, whatever the backlog.
// (no parameters) → horizon: String (an ISO date-time; null when nothing waits)
OPTIONAL MATCH (c:Unsequenced)
USING INDEX c:Unsequenced(at, txKey, ordinal)
WHERE c.at IS NOT NULL AND c.txKey IS NOT NULL AND c.ordinal IS NOT NULL
WITH c ORDER BY c.at DESC LIMIT 1
// As text, at full precision: a horizon rounded to milliseconds could leave its own change waiting.
RETURN toString(c.at) AS horizon
