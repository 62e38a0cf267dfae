// For an identifier no persona holds: the nearest personas through evidence of at least the allowed
// strength, never through a shared identifier or another persona, at most 6 steps (the use case's
// maxHops, checked on the result, is usually smaller).
// $type, $value: String, $strengths: [String], $maxHops: Int → persona, hops, steps: [{from, rel, strength, to}]
MATCH (a:Identifier {type: $type, value: $value})
USING INDEX SEEK a:Identifier(type, value)
MATCH path = (a)((x)-[r:LINKED|OBSERVED|ON_HARDWARE|USES|HAS_IDENTIFIER]-(y)
                 WHERE r.strength IN $strengths AND NOT x:Persona AND NOT coalesce(x.shared, false)){1,6}(p:Persona)
WHERE length(path) <= $maxHops
WITH p, path ORDER BY length(path)
WITH p, head(collect(path)) AS path
WITH p, path, length(path) AS hops
ORDER BY hops
WITH collect({p: p, path: path, hops: hops}) AS found
WITH found, found[0].hops AS nearest
UNWIND [f IN found WHERE f.hops = nearest] AS f
WITH f.p AS p, f.hops AS hops, f.path AS path
RETURN p {.id, .key, .context, .label} AS persona, hops,
       [r IN relationships(path) |
         {from: coalesce(startNode(r).value, startNode(r).id), rel: type(r), strength: r.strength,
          to: coalesce(endNode(r).value, endNode(r).key, endNode(r).id)}] AS steps
