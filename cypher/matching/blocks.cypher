// Every block of two personas or more, with its members; a block giving more than $maxPairs pairs is
// returned without members (cut, and reported).
// $maxPairs: Int → rule: Int, size: Int, members: [String]
MATCH (b:MatchBlock)
WITH b, COUNT { (b)<-[:IN_BLOCK]-(:Persona) } AS size
WHERE size > 1
RETURN b.rule AS rule, size,
       CASE WHEN size * (size - 1) / 2 <= $maxPairs THEN [(b)<-[:IN_BLOCK]-(p:Persona) | p.id] ELSE [] END AS members
