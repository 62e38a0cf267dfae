// Use cases by name.
// $names: [String] → useCase
MATCH (u:UseCase) WHERE u.name IN $names
RETURN u {.*} AS useCase
