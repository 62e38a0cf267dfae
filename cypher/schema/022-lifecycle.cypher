// Identifiers in time: phone numbers and email addresses are recycled after 90 silent days unless an
// admin said otherwise; ended memberships (HELD) are read by time when resolving as of a date.
MATCH (t:IdentifierType)
WHERE t.kind IN ['EMAIL', 'PHONE'] AND t.recycleAfterDays IS NULL AND t.updatedAt IS NULL
SET t.recycleAfterDays = 90;
CREATE INDEX held_to IF NOT EXISTS FOR ()-[h:HELD]-() ON (h.to);
