// The sequencer's order, as an index on the waiting changes only: a node leaves it when it loses the
// Unsequenced label, so numbering a backlog reads each change once, in order, instead of scanning and
// sorting every waiting change for each batch (quadratic: a million-event import waited hours).
CREATE INDEX change_unsequenced_order IF NOT EXISTS FOR (c:Unsequenced) ON (c.at, c.txKey, c.ordinal);
