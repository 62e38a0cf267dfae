// Blanks the personal data of earlier changes about erased personas or naming erased identifier
// values; the changes themselves stay so the feed's cursors remain contiguous.
// $personaIds: [String], $values: [String] → blanked
MATCH (c:Change)
WHERE c.data IS NOT NULL AND c.data <> '{"erased":true}'
  AND (any(id IN c.personaIds WHERE id IN $personaIds) OR any(v IN $values WHERE c.data CONTAINS v))
SET c.data = '{"erased":true}'
RETURN count(c) AS blanked
