// For a nested read that asks for all three levels at once: the identifiers each persona holds, the
// devices each was observed on and the personas using each device, in one statement (DataLoader batch;
// each level in the order of identifiers-of-personas, devices-of-identifiers and personas-of-devices).
// $ids: [String] persona ids → personaId, identifier, devices: [{id, kind, personas: [persona]}]
MATCH (p:Persona)-[h:HAS_IDENTIFIER]->(i:Identifier) WHERE p.id IN $ids
RETURN p.id AS personaId, i {.type, .value, .shared} AS identifier,
       COLLECT {
         MATCH (i)<-[:OBSERVED]-(d:Device)
         RETURN d {.id, .kind,
                   personas: COLLECT {
                     MATCH (q:Persona)-[:USES]->(d)
                     RETURN q {.id, .key, .context, .label} ORDER BY q.key
                   }} AS device
         ORDER BY d.id
       } AS devices
ORDER BY h.lastAt DESC, i.type, i.value
