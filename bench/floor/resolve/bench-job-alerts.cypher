// Floor for bench-job-alerts (PERSONA scope, strong evidence, email, consent for job-alerts): the
// persona holding the email, its unshared emails, its job-alerts consents latest first, its facts.
// $value: String (the email as stored)
MATCH (a:Identifier {type: 'email', value: $value})<-[h:HAS_IDENTIFIER]-(p:Persona)
WHERE h.strength = 'STRONG' AND NOT coalesce(a.shared, false)
RETURN p.key AS persona,
       [(p)-[:HAS_IDENTIFIER]->(c:Identifier {type: 'email'}) WHERE NOT coalesce(c.shared, false) | c.value] AS emails,
       COLLECT {
         MATCH (p)-[:GAVE]->(k:Consent {purpose: 'job-alerts'})
         RETURN {channel: k.channel, granted: k.granted, identifier: head([(k)-[:FOR]->(i) | i.value])} ORDER BY k.at DESC
       } AS consents,
       [(p)-[:HAS_FACT]->(f:Fact) |
         {key: f.key, value: f.value, at: f.at, sensitive: EXISTS { (:FactKey {key: f.key, sensitive: true}) }}] AS facts
