// Takes the grouping lock, then reads every persona a regrouping from these seeds can touch, with its
// person and its grouping evidence. The lock serializes the regrouping step of concurrent writers (and
// only that step): after taking it a transaction sees every grouping edge committed before, so two
// batches that each add half of a bridge between personas can never both miss it. Persons are the
// components of the evidence as of their last regrouping, and new evidence touches only the seeds, so
// the seeds, their neighbours and every persona of their persons are enough (the caller checks that
// no neighbour lies outside and asks again from there if one does).
// Evidence that has gone stale groups nobody, so the stored persons agree with resolve: a shared
// identifier glues two personas only while neither membership is WEAK and older than its type's
// staleAfterDays (read from the registry, as of now). STRONG evidence never goes stale here.
// $seeds: [String] persona ids → personaId, personId, neighbourIds (personas sharing an identifier
// within its type's limit by evidence that has not gone stale, or asserted the same person)
MERGE (gate:GroupingLock {id: 'grouping'})
SET gate.at = datetime()
WITH gate
CALL {
  WITH gate
  UNWIND $seeds AS id
  MATCH (s:Persona {id: id})
  CALL {
    WITH s
    RETURN s AS near
    UNION
    WITH s
    MATCH (s)-[:HAS_IDENTIFIER]->(i:Identifier)<-[:HAS_IDENTIFIER]-(q:Persona)
    WHERE NOT coalesce(i.shared, false)
    RETURN q AS near
    UNION
    WITH s
    MATCH (s)-[a:SAME_PERSON]-(q:Persona)
    WHERE a.active
    RETURN q AS near
  }
  CALL {
    WITH near
    RETURN near AS p
    UNION
    WITH near
    MATCH (near)<-[:HAS_PERSONA]-(:Person)-[:HAS_PERSONA]->(member:Persona)
    RETURN member AS p
  }
  RETURN DISTINCT p
}
OPTIONAL MATCH (person:Person)-[:HAS_PERSONA]->(p)
RETURN p.id AS personaId, person.id AS personId,
       COLLECT {
         MATCH (p)-[hp:HAS_IDENTIFIER]->(i:Identifier)<-[hq:HAS_IDENTIFIER]-(q:Persona)
         WHERE NOT coalesce(i.shared, false) AND q <> p
           AND NOT (
             (hp.strength = 'WEAK' OR hq.strength = 'WEAK')
             AND EXISTS {
               MATCH (t:IdentifierType {name: i.type})
               WHERE t.staleAfterDays IS NOT NULL
                 AND any(h IN [hp, hq] WHERE h.strength = 'WEAK'
                         AND coalesce(h.lastAt, h.since) < datetime() - duration({days: t.staleAfterDays}))
             }
           )
         RETURN q.id AS id
         UNION
         MATCH (p)-[a:SAME_PERSON]-(q:Persona)
         WHERE a.active
         RETURN q.id AS id
       } AS neighbourIds
