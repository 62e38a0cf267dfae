// Removes persons left without personas after a regrouping (a person holds nothing of its own).
// $personIds: [String]
UNWIND $personIds AS id
MATCH (person:Person {id: id})
WHERE NOT (person)-[:HAS_PERSONA]->()
DETACH DELETE person
