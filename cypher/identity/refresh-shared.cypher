// Marks an identifier shared when more personas hold it than its type allows (and unmarks it when
// fewer do again): a shared identifier is kept but never links personas.
// $identifiers: [{type, value}] → type, value, shared, flipped, holderIds
UNWIND $identifiers AS key
MATCH (i:Identifier {type: key.type, value: key.value})
USING INDEX SEEK i:Identifier(type, value)
OPTIONAL MATCH (t:IdentifierType {name: i.type})
OPTIONAL MATCH (i)<-[:HAS_IDENTIFIER]-(p:Persona)
WITH i, coalesce(t.maxPersonas, 1) AS maxPersonas, collect(p.id) AS holderIds
WITH i, holderIds, size(holderIds) > maxPersonas AS shared, coalesce(i.shared, false) AS wasShared
SET i.shared = shared
RETURN i.type AS type, i.value AS value, shared, shared <> wasShared AS flipped, holderIds
