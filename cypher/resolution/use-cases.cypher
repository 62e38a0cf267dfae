// Every use case, by name.
// (no parameters) → useCase
MATCH (u:UseCase)
RETURN u {.*} AS useCase
ORDER BY u.name
