// Everything one resolution reads, in one statement: the anchor and the personas holding it with
// their evidence; failing holders, the nearest personas through allowed evidence; the persons of
// those personas with their members and what groups them; then, for the personas the policy may put
// in scope, their contact points, their consents for the purpose, the messages of the capped purpose
// sent in the window, and their facts. The policy itself is applied in TypeScript on this row
// (src/resolution/resolution.rules.ts); a row is returned only when the anchor exists.
// $type, $value: String (normalized anchor); $scope: IDENTIFIER | PERSONA | PERSON;
// $strengths: [String] evidence the use case may traverse; $maxHops: Int;
// $contactTypes: [String]; $consentPurpose: String | null; $pressurePurpose: String | null;
// $windowDays: Int (0 without a cap)
// → anchor, holders: [{persona, eventId, source, since, strength}], nearest: [{persona, hops, steps}],
//   persons: [{id, personaIds, members, sharedIdentifiers, assertions}],
//   scoped: [{id, identifiers, consents, facts}], messages: [{id, personaId}]
MATCH (a:Identifier {type: $type, value: $value})
WITH a, coalesce(a.shared, false) AS shared,
     [(a)<-[h:HAS_IDENTIFIER]-(p:Persona) |
       {persona: p {.id, .key, .context, .label}, eventId: h.eventId, source: h.source, since: h.since,
        strength: h.strength}] AS holders

// Nearest personas, only for an unshared anchor nobody holds, never through a shared identifier or
// another persona: the shortest path to each, then only the personas at the smallest distance.
CALL (a, shared, holders) {
  WITH a WHERE $scope <> 'IDENTIFIER' AND NOT shared AND size(holders) = 0
  MATCH path = SHORTEST 1 (a)((x)-[r:LINKED|OBSERVED|ON_HARDWARE|USES|HAS_IDENTIFIER]-(y)
                   WHERE r.strength IN $strengths AND NOT x:Persona AND NOT coalesce(x.shared, false)){1,6}(p:Persona)
  WHERE length(path) <= $maxHops
  WITH p, length(path) AS hops,
       [r IN relationships(path) |
         {from: coalesce(startNode(r).value, startNode(r).id), rel: type(r), strength: r.strength,
          to: coalesce(endNode(r).value, endNode(r).key, endNode(r).id)}] AS steps
  ORDER BY hops, p.id
  WITH collect({persona: p {.id, .key, .context, .label}, hops: hops, steps: steps}) AS found
  RETURN [f IN found WHERE f.hops = found[0].hops] AS nearest
}
WITH a, shared, holders, nearest,
     CASE WHEN size(holders) > 0 THEN [h IN holders | h.persona.id] ELSE [n IN nearest | n.persona.id] END AS reachIds

// The persons of the personas reached, with every member and the evidence that groups them.
CALL (shared, reachIds) {
  UNWIND CASE WHEN $scope = 'PERSON' AND NOT shared THEN reachIds ELSE [] END AS id
  MATCH (:Persona {id: id})<-[:HAS_PERSONA]-(person:Person)
  WITH person, collect(id) AS personaIds
  RETURN collect({
    id: person.id,
    personaIds: personaIds,
    members: [(person)-[:HAS_PERSONA]->(m:Persona) | m {.id, .key, .context, .label}],
    sharedIdentifiers: [(person)-[:HAS_PERSONA]->(x:Persona)-[:HAS_IDENTIFIER]->(i:Identifier)<-[:HAS_IDENTIFIER]-(y:Persona)<-[:HAS_PERSONA]-(person)
                          WHERE elementId(x) < elementId(y) AND NOT coalesce(i.shared, false) |
                          {a: x.key, b: y.key, type: i.type, value: i.value}],
    assertions: [(person)-[:HAS_PERSONA]->(x:Persona)-[s:SAME_PERSON]->(y:Persona)<-[:HAS_PERSONA]-(person)
                   WHERE s.active | {a: x.key, b: y.key, evidence: s.evidence}]
  }) AS persons
}

// The personas the policy may put in scope: the holders for IDENTIFIER scope; the persona reached for
// PERSONA scope; the members of the one person for PERSON scope (several are AMBIGUOUS: nothing more to read).
WITH a, holders, nearest, persons,
     CASE
       WHEN $scope = 'IDENTIFIER' THEN [h IN holders | h.persona.id]
       WHEN shared THEN []
       WHEN $scope = 'PERSONA' THEN reachIds
       WHEN size(persons) = 1 THEN [m IN persons[0].members | m.id]
       ELSE []
     END AS scopeIds
CALL (scopeIds) {
  UNWIND scopeIds AS id
  MATCH (p:Persona {id: id})
  RETURN collect({
    id: p.id,
    identifiers: CASE WHEN $scope = 'IDENTIFIER' THEN [] ELSE
                   [(p)-[h:HAS_IDENTIFIER]->(i:Identifier) WHERE i.type IN $contactTypes |
                     {type: i.type, value: i.value, shared: coalesce(i.shared, false), lastAt: h.lastAt}] END,
    consents: CASE WHEN $consentPurpose IS NULL THEN [] ELSE
                [(p)-[:GAVE]->(c:Consent {purpose: $consentPurpose}) |
                  {channel: c.channel, granted: c.granted, at: c.at,
                   identifier: head([(c)-[:FOR]->(i:Identifier) | i {.type, .value}])}] END,
    facts: CASE WHEN $scope = 'IDENTIFIER' THEN [] ELSE
             [(p)-[:HAS_FACT]->(f:Fact) |
               {fact: f {.id, .key, .value, .method, .source, .at, .confidence},
                sensitive: EXISTS { (:FactKey {key: f.key, sensitive: true}) }}] END
  }) AS scoped
}

// Messages of the capped purpose sent in the window: to a persona in scope, to an identifier it
// holds, or to the anchor itself (personaId null). Counted per persona in TypeScript, after contexts.
CALL (a, scopeIds) {
  WITH a, scopeIds WHERE $pressurePurpose IS NOT NULL
  CALL (a, scopeIds) {
    UNWIND scopeIds AS id
    MATCH (:Persona {id: id})<-[:BY]-(e:Event {type: 'message_sent', purpose: $pressurePurpose})
    RETURN e, id AS personaId
    UNION
    UNWIND scopeIds AS id
    MATCH (:Persona {id: id})-[:HAS_IDENTIFIER]->(:Identifier)<-[:BY]-(e:Event {type: 'message_sent', purpose: $pressurePurpose})
    RETURN e, id AS personaId
    UNION
    MATCH (a)<-[:BY]-(e:Event {type: 'message_sent', purpose: $pressurePurpose})
    RETURN e, null AS personaId
  }
  WITH e, personaId WHERE e.occurredAt >= datetime() - duration({days: $windowDays})
  RETURN collect({id: e.id, personaId: personaId}) AS messages
}
RETURN a {.type, .value, shared: coalesce(a.shared, false)} AS anchor, holders, nearest, persons, scoped, messages
