// Persons by id.
// $ids: [String] → id
MATCH (person:Person) WHERE person.id IN $ids
RETURN person.id AS id
