// How many committed changes wait for a place in the feed: the sequencer's check before it locks.
// Read from the label count store, so it costs the same whatever the size of the feed.
// (no parameters) → waiting: Integer
MATCH (c:Unsequenced)
RETURN count(c) AS waiting
