// Scoring, step 5: the digital group each moved person is in now, so the next run compares with it.
// $groups: [{personId, group}]; $now: String (the run)
UNWIND $groups AS g
MATCH (person:Person {id: g.personId})
SET person.digitalGroup = g.group, person.digitalGroupAt = datetime($now)
