// Campaigns by code, decoded (name null while unmapped), with their topic keys.
// $codes: [String] → campaign
MATCH (c:Campaign) WHERE c.code IN $codes
RETURN c {.code, name: CASE WHEN c.mapped THEN c.name END, channel: CASE WHEN c.mapped THEN c.channel END,
          topics: [(c)-[:HAS_TOPIC]->(t) | t.key]} AS campaign
