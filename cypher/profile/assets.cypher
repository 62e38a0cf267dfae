// Assets by code, decoded (name null while unmapped), with their campaign code and topic keys.
// $codes: [String] → asset
MATCH (a:Asset) WHERE a.code IN $codes
OPTIONAL MATCH (a)-[:OF_CAMPAIGN]->(c:Campaign)
RETURN a {.code, name: CASE WHEN a.mapped THEN a.name END, campaign: c.code,
          topics: [(a)-[:HAS_TOPIC]->(t) | t.key]} AS asset
