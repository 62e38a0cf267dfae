// Floor for bench-guest-reminder (IDENTIFIER scope, email): the email's holders with their evidence;
// the email itself is the contact. As a data engineer would write it for this one use case.
// $value: String (the email as stored)
MATCH (a:Identifier {type: 'email', value: $value})
RETURN coalesce(a.shared, false) AS shared, COUNT { (a)<-[:HAS_IDENTIFIER]-() } AS holderCount,
       COLLECT {
         MATCH (a)<-[h:HAS_IDENTIFIER]-(p:Persona)
         RETURN {persona: p.key, context: p.context, strength: h.strength, lastAt: coalesce(h.lastAt, h.since)}
         LIMIT 1000
       } AS holders
