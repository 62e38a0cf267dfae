// Everything held about the personas of a person (or one persona): identifiers with their evidence,
// devices and what was observed on them, facts with provenance, consent history, events, mentions of
// their identifiers in others' events, and the links between identifiers and personas.
// $personId: String | null, $personaId: String | null → persona: map (one row per persona)
CALL {
  MATCH (:Person {id: $personId})-[:HAS_PERSONA]->(p:Persona)
  RETURN p
  UNION
  MATCH (p:Persona {id: $personaId})
  RETURN p
}
RETURN p {
  .*,
  person: head([(person:Person)-[:HAS_PERSONA]->(p) | person.id]),
  identifiers: [(p)-[h:HAS_IDENTIFIER]->(i:Identifier) | {type: i.type, value: i.value, shared: coalesce(i.shared, false), evidence: h {.*}}],
  detached: [(p)-[d:DETACHED]->(i:Identifier) | {type: i.type, value: i.value, detachment: d {.*}}],
  devices: [(p)-[u:USES]->(d:Device) | {
    device: d {.*},
    evidence: u {.*},
    hardware: [(d)-[r:ON_HARDWARE]->(hw:Device) | {id: hw.id, evidence: r {.*}}],
    observed: [(d)-[o:OBSERVED]->(i:Identifier) | {type: i.type, value: i.value, evidence: o {.*}}]
  }],
  facts: [(p)-[:HAS_FACT]->(f:Fact) | f {.*}],
  consents: [(p)-[:GAVE]->(c:Consent) | c {.*, identifier: head([(c)-[:FOR]->(i:Identifier) | i {.type, .value}])}],
  events: [(p)<-[:BY]-(e:Event) | e {
    .*,
    identifiers: [(e)-[:BY]->(i:Identifier) | i {.type, .value}],
    devices: [(e)-[:BY]->(d:Device) | d.id],
    mentions: [(e)-[m:MENTIONS]->(i:Identifier) | {role: m.role, type: i.type, value: i.value}]
  }],
  mentionedIn: [(p)-[:HAS_IDENTIFIER]->(i:Identifier)<-[m:MENTIONS]-(e:Event) |
    {event: e.id, type: e.type, occurredAt: e.occurredAt, role: m.role, identifier: i {.type, .value}}],
  identifierLinks: [(p)-[:HAS_IDENTIFIER]->(i:Identifier)-[l:LINKED]-(j:Identifier) |
    {from: i {.type, .value}, to: j {.type, .value}, evidence: l {.*}}],
  personaLinks: [(p)-[s:SAME_PERSON]-(o:Persona) | {persona: o.id, evidence: s {.*}}]
} AS persona
ORDER BY persona.id
