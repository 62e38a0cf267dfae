// The feed's bounds, read without locking: the last place given and the highest place pruned.
// (no parameters) → last: Integer, prunedThrough: Integer
OPTIONAL MATCH (s:ChangeSequence {name: 'changes'})
RETURN coalesce(s.last, 0) AS last, coalesce(s.prunedThrough, 0) AS prunedThrough
