// Forgets every blocking key (a new model, or a whole pass that recomputes them), batch by batch.
// (no parameters) → nothing
MATCH (b:MatchBlock)
CALL {
  WITH b
  DETACH DELETE b
} IN TRANSACTIONS OF 10000 ROWS
