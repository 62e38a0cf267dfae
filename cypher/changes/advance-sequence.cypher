// Records the last place given, in the transaction that gave it (after changes/assign-seqs).
// $last: Integer
MATCH (s:ChangeSequence {name: 'changes'})
SET s.last = $last
