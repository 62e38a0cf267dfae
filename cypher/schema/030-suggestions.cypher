// Link suggestions (src/matching/): the one matching model by name, blocking keys by key (candidate
// pairs come from them, never from an all-pairs scan), suggestions by id, by pair (one per pair of
// personas, whatever its verdict), and by status and probability (the review queue, highest first).
CREATE CONSTRAINT matching_name IF NOT EXISTS FOR (m:Matching) REQUIRE m.name IS UNIQUE;
CREATE CONSTRAINT match_block_key IF NOT EXISTS FOR (b:MatchBlock) REQUIRE b.key IS UNIQUE;
CREATE CONSTRAINT suggestion_id IF NOT EXISTS FOR (s:Suggestion) REQUIRE s.id IS UNIQUE;
CREATE CONSTRAINT suggestion_pair IF NOT EXISTS FOR (s:Suggestion) REQUIRE s.pair IS UNIQUE;
CREATE INDEX suggestion_status_probability IF NOT EXISTS FOR (s:Suggestion) ON (s.status, s.probability);
