// Records that places up to $horizon are pruned, before any is deleted: a reader whose cursor is
// older is then told so (BAD_USER_INPUT, reason CURSOR_PRUNED) instead of skipping them silently.
// $horizon: Integer → prunedThrough: Integer
MERGE (s:ChangeSequence {name: 'changes'})
  ON CREATE SET s.last = 0, s.prunedThrough = 0
SET s.prunedThrough = CASE
    WHEN coalesce(s.prunedThrough, 0) < $horizon THEN $horizon
    ELSE coalesce(s.prunedThrough, 0)
  END
RETURN s.prunedThrough AS prunedThrough
