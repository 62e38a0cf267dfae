// The latest transaction time among changes waiting for a place: the sequencer's first look.
// A label scan at READ COMMITTED may miss a change committed while it runs yet see a later one, so
// the sequencer numbers, in a second look, only changes no later than what this first look saw:
// anything committed before a change it numbers began was committed before this look ended, so the
// second look sees it, and it sorts first.
// (no parameters) → horizon: String (an ISO date-time; null when nothing waits)
MATCH (c:Change:Unsequenced)
USING SCAN c:Unsequenced
// As text, at full precision: a horizon rounded to milliseconds could leave its own change waiting.
RETURN toString(max(c.at)) AS horizon
