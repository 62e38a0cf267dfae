// Ingest, step 3 of 3: facts and consents with the values they follow (read before the writes), the
// events' campaigns, assets and terms, and the shared flag of identifiers that gained holders. The
// facts, consents and tags are of the events step 1 created (its `fresh`, filtered before the call).
// $factSlots: [{personaKey, key}]; $facts: [{eventId, personaKey, key, value (JSON), method, source,
// at, confidence, n}]; $consentSlots: [{personaKey, purpose, channel, type, value}] ('' for no contact
// point); $consents: [{eventId, personaKey, purpose, channel, granted, type?, value?, source, at, n}];
// $tags: [{eventId, kind, code, vocabulary}] sorted by kind, code, each of an event once;
// $attached: [{type, value}] identifiers that gained holders
// Identifiers are looked up with their key's index named: planned at a few thousand events, Neo4j
// scanned the index on Identifier.value for each row instead (1.0M db hits a batch instead of 12k).
// → shared: [{type, value, shared, flipped, holderIds}], factsBefore: [{personaKey, key, value, at}],
//   facts: [{n, personaId, unmapped, sensitive}], consentsBefore: [{personaKey, purpose, channel,
//   type, value, granted, at}], consents: [{n, personaId}], unmappedTags: [{kind, code, vocabulary}]
CALL {
  // Each persona's latest fact of each key the batch states, before the batch adds its own.
  // Expanded from the persona, and `f` has no label: with one, the planner scanned the index on Fact.key
  // and checked each fact against the persona (60k db hits a batch at 6k events, where this reads 1k).
  UNWIND $factSlots AS slot
  MATCH (p:Persona {key: slot.personaKey})
  WITH slot, [(p)-[:HAS_FACT]->(f) WHERE f.key = slot.key | f] AS held
  UNWIND held AS f
  WITH slot, f ORDER BY f.at DESC
  WITH slot, collect(f)[0] AS latest
  RETURN collect({personaKey: slot.personaKey, key: slot.key, value: latest.value, at: latest.at}) AS factsBefore
}
CALL {
  // Facts with provenance, held by the actor's persona; unknown keys are stored and flagged for mapping.
  WITH factsBefore
  UNWIND $facts AS row
  MATCH (e:Event {id: row.eventId})
  MATCH (p:Persona {key: row.personaKey})
  MERGE (k:FactKey {key: row.key})
  ON CREATE SET k.mapped = false, k.sensitive = false, k.firstSeen = datetime()
  CREATE (f:Fact {id: randomUUID(), key: row.key, value: row.value, method: row.method, source: row.source,
                  at: datetime(row.at), confidence: row.confidence, eventId: row.eventId})
  CREATE (e)-[:STATED]->(f)
  CREATE (p)-[:HAS_FACT]->(f)
  RETURN collect({n: row.n, personaId: p.id, unmapped: NOT k.mapped, sensitive: coalesce(k.sensitive, false)}) AS facts
}
CALL {
  // Each persona's latest consent for each purpose, channel and contact point the batch records.
  WITH facts
  UNWIND $consentSlots AS slot
  MATCH (p:Persona {key: slot.personaKey})-[:GAVE]->(c:Consent)
  WHERE c.purpose = slot.purpose AND c.channel = slot.channel
  OPTIONAL MATCH (c)-[:FOR]->(i:Identifier)
  WITH slot, c, i WHERE coalesce(i.type, '') = slot.type AND coalesce(i.value, '') = slot.value
  WITH slot, c ORDER BY c.at DESC
  WITH slot, collect(c)[0] AS latest
  RETURN collect({personaKey: slot.personaKey, purpose: slot.purpose, channel: slot.channel, type: slot.type,
                  value: slot.value, granted: latest.granted, at: latest.at}) AS consentsBefore
}
CALL {
  // Consents given or withdrawn, kept as history (the latest wins when resolving), for one contact
  // point or for every contact point of the channel in the persona.
  WITH consentsBefore
  UNWIND $consents AS row
  MATCH (p:Persona {key: row.personaKey})
  CREATE (c:Consent {id: randomUUID(), purpose: row.purpose, channel: row.channel, granted: row.granted,
                     source: row.source, at: datetime(row.at), eventId: row.eventId})
  CREATE (p)-[:GAVE]->(c)
  WITH c, row, p
  CALL {
    WITH c, row
    MATCH (i:Identifier {type: row.type, value: row.value}) USING INDEX SEEK i:Identifier(type, value)
    CREATE (c)-[:FOR]->(i)
  }
  RETURN collect({n: row.n, personaId: p.id}) AS consents
}
CALL {
  // Campaigns, assets and taxonomy terms; unknown codes are created unmapped and reported.
  WITH consents
  // The event is new in this transaction, so its relationships are created, not merged.
  UNWIND $tags AS row
  MATCH (e:Event {id: row.eventId})
  CALL {
    WITH e, row
    WITH e, row WHERE row.kind = 'campaign'
    MERGE (c:Campaign {code: row.code}) ON CREATE SET c.mapped = false
    CREATE (e)-[:IN_CAMPAIGN]->(c)
    RETURN c.mapped AS mapped
    UNION
    WITH e, row
    WITH e, row WHERE row.kind = 'asset'
    MERGE (a:Asset {code: row.code}) ON CREATE SET a.mapped = false
    CREATE (e)-[:SHOWED]->(a)
    RETURN a.mapped AS mapped
    UNION
    WITH e, row
    WITH e, row WHERE row.kind = 'term'
    MERGE (t:Term {vocabulary: row.vocabulary, key: row.code}) ON CREATE SET t.mapped = false
    CREATE (e)-[:ABOUT]->(t)
    RETURN t.mapped AS mapped
  }
  WITH row, mapped WHERE NOT mapped
  RETURN collect(DISTINCT {kind: row.kind, code: row.code, vocabulary: row.vocabulary}) AS unmappedTags
}
CALL {
  // An identifier held by more personas than its type allows is shared (and unshared when fewer do
  // again): kept, but never links personas.
  // Each type's limit is read once, not once per identifier.
  WITH unmappedTags
  UNWIND $attached AS a
  WITH DISTINCT a.type AS type, a.value AS value
  WITH collect({type: type, value: value}) AS keys
  OPTIONAL MATCH (t:IdentifierType) WHERE t.name IN [k IN keys | k.type]
  WITH keys, collect({name: t.name, maxPersonas: t.maxPersonas}) AS types
  UNWIND keys AS key
  MATCH (i:Identifier {type: key.type, value: key.value}) USING INDEX SEEK i:Identifier(type, value)
  OPTIONAL MATCH (i)<-[:HAS_IDENTIFIER]-(p:Persona)
  WITH i, coalesce(head([t IN types WHERE t.name = i.type | t.maxPersonas]), 1) AS maxPersonas,
       collect(p.id) AS holderIds
  WITH i, holderIds, size(holderIds) > maxPersonas AS shared, coalesce(i.shared, false) AS wasShared
  SET i.shared = shared
  RETURN collect({type: i.type, value: i.value, shared: shared, flipped: shared <> wasShared, holderIds: holderIds}) AS shared
}
RETURN shared, factsBefore, facts, consentsBefore, consents, unmappedTags
