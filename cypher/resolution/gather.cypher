// Everything a resolution reads, in one statement, for one anchor or a batch (resolveMany): one row
// per anchor found, each read exactly as if it were alone. The anchor and the personas holding it with
// their evidence; failing holders, the nearest personas through allowed evidence; the persons of
// those personas with their members and what groups them; then, for the personas the policy may put
// in scope, their contact points, their consents for the purpose, the messages of the capped purpose
// sent in the window, and their facts. The policy itself is applied in TypeScript on each row
// (src/resolution/resolution.rules.ts); a row is returned only for an anchor that exists.
// Time: everything is read as it stood at $now. With $historical, memberships that have ended since
// (HELD, with their `to`) count and later evidence, consents, facts and messages do not; otherwise
// only current memberships (HAS_IDENTIFIER) count. WEAK evidence of a type with a staleAfterDays
// ($staleDays) last seen before then stops counting: stale holders are returned apart, for the
// explanation, and stale steps are never traversed.
// $anchors: [{type, value}] (normalized, distinct; single resolve sends one); $scope: IDENTIFIER | PERSONA | PERSON;
// $strengths: [String] evidence the use case may traverse; $maxHops: Int;
// $contactTypes: [String]; $consentPurpose: String | null; $pressurePurpose: String | null;
// $windowDays: Int (0 without a cap); $now: String (ISO date-time); $historical: Boolean;
// $contexts: [String] | null, $excludeContexts: [String] (the use case's persona contexts);
// $staleDays: {<identifier type>: Int}; $holderLimit: Int (only a shared identifier, which identifies
// nobody, has more holders than its type's limit: a supernode's are counted, and only this many read)
// → anchor, holderCount, holders and staleHolders: [{persona, eventId, source, since, lastAt, strength, to}],
//   endings: [{persona, endedBy, to}] (the anchor's memberships ended by $now, latest first: a replaced or
//   recycled-away anchor nobody holds now is history, never a contact point),
//   nearest: [{persona, hops, steps}],
//   persons: [{id, personaIds, members, sharedIdentifiers: [{a, b, aId, bId, type, value, strengths, lastAts}],
//              assertions: [{a, b, aId, bId, evidence}]}],
//   scoped: [{id, identifiers: [{type, value, shared, since, lastAt, strength}], consents, facts}],
//   messages: [{id, personaId, at}]
// Every moment returned (since, lastAt, to, at) is epoch milliseconds, not a DateTime: a DateTime costs
// the driver a struct and a dozen Integer operations to decode, and the API only needs ISO text of it.
UNWIND $anchors AS asked
MATCH (a:Identifier {type: asked.type, value: asked.value})
USING INDEX SEEK a:Identifier(type, value)
WITH a, coalesce(a.shared, false) AS shared, datetime($now) AS now
WITH a, shared, now, COUNT { (a)<-[:HAS_IDENTIFIER]-() } AS holderCount,
     COLLECT {
       MATCH (a)<-[h:HAS_IDENTIFIER|HELD]-(p:Persona)
       WHERE CASE type(h) WHEN 'HELD' THEN $historical AND h.since <= now AND h.to > now
                          ELSE NOT $historical OR h.since <= now END
       RETURN {persona: p {.id, .key, .context, .label}, eventId: h.eventId, source: h.source,
               since: h.since.epochMillis, lastAt: coalesce(h.lastAt, h.since).epochMillis, strength: h.strength,
               to: h.to.epochMillis} AS m
       LIMIT $holderLimit
     } AS memberships,
     COLLECT {
       MATCH (a)<-[h:HELD]-(p:Persona)
       WHERE h.to <= now
       RETURN {persona: p.key, endedBy: h.endedBy, to: h.to.epochMillis} AS e
       ORDER BY h.to DESC
       LIMIT 3
     } AS endings
WITH a, shared, now, holderCount, endings,
     [m IN memberships WHERE NOT (m.strength = 'WEAK' AND $staleDays[a.type] IS NOT NULL
                                  AND m.lastAt < (now - duration({days: $staleDays[a.type]})).epochMillis)] AS holders,
     [m IN memberships WHERE m.strength = 'WEAK' AND $staleDays[a.type] IS NOT NULL
                             AND m.lastAt < (now - duration({days: $staleDays[a.type]})).epochMillis] AS staleHolders

// Nearest personas, only for an unshared anchor nobody holds, never through a shared identifier or
// another persona: the shortest path to each, then only the personas at the smallest distance.
CALL (a, shared, holders) {
  WITH a WHERE $scope <> 'IDENTIFIER' AND NOT shared AND size(holders) = 0
  MATCH path = SHORTEST 1 (a)((x)-[r:LINKED|OBSERVED|ON_HARDWARE|USES|HAS_IDENTIFIER|HELD]-(y)
                   WHERE r.strength IN $strengths AND NOT x:Persona AND NOT coalesce(x.shared, false)
                     AND CASE type(r) WHEN 'HELD' THEN $historical AND r.since <= datetime($now) AND r.to > datetime($now)
                                      ELSE NOT $historical OR coalesce(r.since, datetime($now)) <= datetime($now) END
                     AND NOT (r.strength = 'WEAK' AND coalesce(r.lastAt, r.since) < datetime($now) - duration({days: coalesce(
                               CASE WHEN x:Identifier THEN $staleDays[x.type] END,
                               CASE WHEN y:Identifier THEN $staleDays[y.type] END, 1000000)}))){1,6}(p:Persona)
  WHERE length(path) <= $maxHops
  WITH p, length(path) AS hops,
       [r IN relationships(path) |
         {from: coalesce(startNode(r).value, startNode(r).id), rel: type(r), strength: r.strength,
          to: coalesce(endNode(r).value, endNode(r).key, endNode(r).id)}] AS steps
  ORDER BY hops, p.id
  WITH collect({persona: p {.id, .key, .context, .label}, hops: hops, steps: steps}) AS found
  RETURN [f IN found WHERE f.hops = found[0].hops] AS nearest
}
WITH a, shared, now, holderCount, endings, holders, staleHolders, nearest,
     CASE WHEN size(holders) > 0 THEN [h IN holders | h.persona.id] ELSE [n IN nearest | n.persona.id] END AS reachIds

// The persons of the personas reached, with every member and the evidence that groups them (as it
// stood at $now): the rules keep only the members still connected through evidence that counts.
CALL (shared, reachIds, now) {
  UNWIND CASE WHEN $scope = 'PERSON' AND NOT shared THEN reachIds ELSE [] END AS id
  MATCH (:Persona {id: id})<-[:HAS_PERSONA]-(person:Person)
  WITH person, collect(id) AS personaIds, now
  RETURN collect({
    id: person.id,
    personaIds: personaIds,
    members: COLLECT { MATCH (person)-[:HAS_PERSONA]->(m:Persona) RETURN m {.id, .key, .context, .label} ORDER BY m.key },
    sharedIdentifiers: [(person)-[:HAS_PERSONA]->(x:Persona)-[hx:HAS_IDENTIFIER|HELD]->(i:Identifier)<-[hy:HAS_IDENTIFIER|HELD]-(y:Persona)<-[:HAS_PERSONA]-(person)
                          WHERE x.key < y.key AND NOT coalesce(i.shared, false)
                            AND all(h IN [hx, hy] WHERE CASE type(h) WHEN 'HELD' THEN $historical AND h.since <= now AND h.to > now
                                                                      ELSE NOT $historical OR h.since <= now END) |
                          {a: x.key, b: y.key, aId: x.id, bId: y.id, type: i.type, value: i.value,
                           strengths: [hx.strength, hy.strength],
                           lastAts: [coalesce(hx.lastAt, hx.since).epochMillis, coalesce(hy.lastAt, hy.since).epochMillis]}],
    assertions: [(person)-[:HAS_PERSONA]->(x:Persona)-[s:SAME_PERSON]->(y:Persona)<-[:HAS_PERSONA]-(person)
                   WHERE CASE WHEN $historical THEN coalesce(s.assertedAt, s.since) <= now AND (s.active OR s.revokedAt > now)
                              ELSE s.active END |
                   {a: x.key, b: y.key, aId: x.id, bId: y.id, evidence: s.evidence}]
  }) AS persons
}

// The personas the policy may put in scope: the holders for IDENTIFIER scope; the personas reached for
// PERSONA scope; the members of the one person for PERSON scope (several are AMBIGUOUS: nothing more to
// read). A persona of a context the use case leaves out is never in scope, so its contact points,
// consents, facts and messages are not read.
WITH a, now, holderCount, endings, holders, staleHolders, nearest, persons,
     CASE
       WHEN shared THEN []
       WHEN $scope = 'IDENTIFIER' THEN [h IN holders | h.persona]
       WHEN $scope = 'PERSONA' AND size(holders) > 0 THEN [h IN holders | h.persona]
       WHEN $scope = 'PERSONA' THEN [n IN nearest | n.persona]
       WHEN size(persons) = 1 THEN persons[0].members
       ELSE []
     END AS candidates
WITH a, now, holderCount, endings, holders, staleHolders, nearest, persons,
     [p IN candidates WHERE $scope = 'IDENTIFIER'
                            OR (($contexts IS NULL OR p.context IN $contexts) AND NOT p.context IN $excludeContexts)
                      | p.id] AS scopeIds
CALL (scopeIds, now) {
  UNWIND scopeIds AS id
  MATCH (p:Persona {id: id})
  RETURN collect({
    id: p.id,
    identifiers: CASE WHEN $scope = 'IDENTIFIER' THEN [] ELSE
                   [(p)-[h:HAS_IDENTIFIER|HELD]->(i:Identifier)
                     WHERE i.type IN $contactTypes
                       AND CASE type(h) WHEN 'HELD' THEN $historical AND h.since <= now AND h.to > now
                                        ELSE NOT $historical OR h.since <= now END |
                     {type: i.type, value: i.value, shared: coalesce(i.shared, false), since: h.since.epochMillis,
                      lastAt: coalesce(h.lastAt, h.since).epochMillis, strength: h.strength}] END,
    consents: CASE WHEN $consentPurpose IS NULL THEN [] ELSE
                [(p)-[:GAVE]->(c:Consent {purpose: $consentPurpose}) WHERE NOT $historical OR c.at <= now |
                  {channel: c.channel, granted: c.granted, at: c.at.epochMillis,
                   identifier: head([(c)-[:FOR]->(i:Identifier) | i {.type, .value}])}] END,
    facts: CASE WHEN $scope = 'IDENTIFIER' THEN [] ELSE
             [(p)-[:HAS_FACT]->(f:Fact) WHERE NOT $historical OR f.at <= now |
               {fact: f {.id, .key, .value, .method, .source, .confidence, at: f.at.epochMillis},
                sensitive: EXISTS { (:FactKey {key: f.key, sensitive: true}) }}] END
  }) AS scoped
}

// Messages of the capped purpose sent in the window before $now: to a persona in scope, to an
// identifier it holds, or to the anchor itself (personaId null). Counted per persona in TypeScript.
CALL (a, scopeIds, now) {
  WITH a, scopeIds, now WHERE $pressurePurpose IS NOT NULL
  CALL (a, scopeIds, now) {
    UNWIND scopeIds AS id
    MATCH (:Persona {id: id})<-[:BY]-(e:Event {type: 'message_sent', purpose: $pressurePurpose})
    WHERE e.occurredAt >= now - duration({days: $windowDays}) AND (NOT $historical OR e.occurredAt <= now)
    RETURN e, id AS personaId
    UNION
    UNWIND scopeIds AS id
    MATCH (:Persona {id: id})-[:HAS_IDENTIFIER]->(:Identifier)<-[:BY]-(e:Event {type: 'message_sent', purpose: $pressurePurpose})
    WHERE e.occurredAt >= now - duration({days: $windowDays}) AND (NOT $historical OR e.occurredAt <= now)
    RETURN e, id AS personaId
    UNION
    MATCH (a)<-[:BY]-(e:Event {type: 'message_sent', purpose: $pressurePurpose})
    WHERE e.occurredAt >= now - duration({days: $windowDays}) AND (NOT $historical OR e.occurredAt <= now)
    RETURN e, null AS personaId
  }
  RETURN collect(DISTINCT {id: e.id, personaId: personaId, at: e.occurredAt.epochMillis}) AS messages
}
RETURN a {.type, .value, shared: coalesce(a.shared, false)} AS anchor, holderCount, holders, staleHolders, endings,
       nearest, persons, scoped, messages
