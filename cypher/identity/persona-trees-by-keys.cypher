// For a nested read that starts at the root: the personas by key and, below each, the identifiers it
// holds, the devices each was observed on and the personas using each device, in one statement
// (DataLoader batch; each level in the order of identifier-trees-of-personas).
// $keys: [String] → persona: {id, key, context, label},
//   identifiers: [{identifier, devices: [{id, kind, personas: [persona]}]}]
MATCH (p:Persona) WHERE p.key IN $keys
RETURN p {.id, .key, .context, .label} AS persona,
       COLLECT {
         MATCH (p)-[h:HAS_IDENTIFIER]->(i:Identifier)
         RETURN {identifier: i {.type, .value, .shared},
                 devices: COLLECT {
                   MATCH (i)<-[:OBSERVED]-(d:Device)
                   RETURN d {.id, .kind,
                             personas: COLLECT {
                               MATCH (q:Persona)-[:USES]->(d)
                               RETURN q {.id, .key, .context, .label} ORDER BY q.key
                             }} AS device
                   ORDER BY d.id
                 }} AS tree
         ORDER BY h.lastAt DESC, i.type, i.value
       } AS identifiers
