// How many use cases require each fact key: the neededBy of progressive profiling.
// (no parameters) → key, neededBy
MATCH (u:UseCase)
UNWIND coalesce(u.requiredFacts, []) AS key
RETURN key, count(DISTINCT u) AS neededBy
