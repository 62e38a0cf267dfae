// A stopping instance gives the scoring lease back, so another scores at once instead of after expiry.
// $owner: String → released
MATCH (m:Matching {name: 'default'})
WHERE m.scorerOwner = $owner
REMOVE m.scorerOwner, m.scorerUntil
RETURN count(m) AS released
