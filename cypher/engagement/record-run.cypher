// Records a finished scoring run: the next one picks up events ingested after $now.
// $now: String, $personas: Int, $changed: Int → at
MERGE (r:ScoringRun {name: 'scores'})
SET r.at = datetime($now), r.personas = $personas, r.changed = $changed
RETURN r.at AS at
