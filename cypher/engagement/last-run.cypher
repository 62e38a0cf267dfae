// When scores were last computed (null before the first run).
// (no parameters) → at
OPTIONAL MATCH (r:ScoringRun {name: 'scores'})
RETURN r.at AS at
