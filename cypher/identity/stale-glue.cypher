// Personas still grouped with another persona of their person through an identifier whose WEAK
// evidence has gone stale (older than its type's staleAfterDays, as of now): the seeds of a staleness
// regrouping, which keeps them together only where other evidence still does. Only types with a
// staleAfterDays are looked at, and of those only WEAK memberships.
// (no parameters) → personaId
MATCH (t:IdentifierType)
WHERE t.staleAfterDays IS NOT NULL
MATCH (i:Identifier {type: t.name})<-[h:HAS_IDENTIFIER]-(p:Persona)
WHERE h.strength = 'WEAK' AND NOT coalesce(i.shared, false)
  AND coalesce(h.lastAt, h.since) < datetime() - duration({days: t.staleAfterDays})
  AND EXISTS { (p)<-[:HAS_PERSONA]-(:Person)-[:HAS_PERSONA]->(q:Persona)-[:HAS_IDENTIFIER]->(i) WHERE q <> p }
RETURN DISTINCT p.id AS personaId
ORDER BY personaId
