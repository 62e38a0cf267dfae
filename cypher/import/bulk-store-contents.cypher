// What a store holds besides what the migrations put in a new one (their own record, the built-in
// identifier types and fact keys, the identifier-id key): `idgraph import --bulk` replaces the
// database's files, so it runs only where this is nothing.
// (no parameters) → nodes: Integer, labels: [String]
MATCH (n)
WHERE NOT (n:Migration OR n:IdentifierIdKey
           OR (n:IdentifierType AND n.builtIn AND n.updatedAt IS NULL)
           OR (n:FactKey AND n.firstSeen IS NULL AND n.definedAt IS NULL))
WITH n LIMIT 1000
UNWIND labels(n) AS label
RETURN count(DISTINCT n) AS nodes, collect(DISTINCT label) AS labels
