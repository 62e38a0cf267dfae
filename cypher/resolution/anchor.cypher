// The identifier a resolution starts from, and the personas that hold it with the evidence.
// $type, $value: String (normalized) → anchor, holders: [{persona, eventId, source, since, strength}], maxPersonas
MATCH (i:Identifier {type: $type, value: $value})
USING INDEX SEEK i:Identifier(type, value)
OPTIONAL MATCH (t:IdentifierType {name: i.type})
RETURN i {.type, .value, .shared} AS anchor, coalesce(t.maxPersonas, 1) AS maxPersonas,
       [(i)<-[h:HAS_IDENTIFIER]-(p:Persona) |
         {persona: p {.id, .key, .context, .label}, eventId: h.eventId, source: h.source, since: h.since,
          strength: h.strength}] AS holders
