// The blocks some personas are in, with their members (none for a block over $maxPairs pairs: cut).
// $ids: [String], $maxPairs: Int → rule: Int, size: Int, members: [String]
UNWIND $ids AS id
MATCH (:Persona {id: id})-[:IN_BLOCK]->(b:MatchBlock)
WITH DISTINCT b
WITH b, COUNT { (b)<-[:IN_BLOCK]-(:Persona) } AS size
WHERE size > 1
RETURN b.rule AS rule, size,
       CASE WHEN size * (size - 1) / 2 <= $maxPairs THEN [(b)<-[:IN_BLOCK]-(p:Persona) | p.id] ELSE [] END AS members
