// Floor for bench-two-factor (IDENTIFIER scope, phone): the phone's holders with their evidence;
// the phone itself is the contact. As a data engineer would write it for this one use case.
// $value: String (the phone as stored)
MATCH (a:Identifier {type: 'phone', value: $value})
RETURN coalesce(a.shared, false) AS shared, COUNT { (a)<-[:HAS_IDENTIFIER]-() } AS holderCount,
       COLLECT {
         MATCH (a)<-[h:HAS_IDENTIFIER]-(p:Persona)
         RETURN {persona: p.key, context: p.context, strength: h.strength, lastAt: coalesce(h.lastAt, h.since)}
         LIMIT 1000
       } AS holders
