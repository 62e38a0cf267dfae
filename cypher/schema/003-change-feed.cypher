// The change feed's sequence node is one per database; pruning finds old changes by when they were sequenced.
CREATE CONSTRAINT change_sequence_name IF NOT EXISTS FOR (s:ChangeSequence) REQUIRE s.name IS UNIQUE;
CREATE INDEX change_sequenced_at IF NOT EXISTS FOR (c:Change) ON (c.sequencedAt);
