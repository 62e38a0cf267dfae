// Consent coverage per purpose and channel: of the personas holding a contact point on the channel,
// how many granted, withdrew, or never answered (the latest consent of each persona wins).
// (no parameters) → purpose, channel, reachable, granted, withdrawn, unanswered, grantedShare
MATCH (c:Consent)
WITH DISTINCT c.purpose AS purpose, c.channel AS channel
CALL {
  WITH channel
  MATCH (p:Persona)-[:HAS_IDENTIFIER]->(i:Identifier)
  MATCH (t:IdentifierType {name: i.type})
  WHERE t.contactChannel = channel OR (channel = 'SMS' AND t.kind = 'PHONE') OR (channel = 'PHONE' AND t.kind = 'PHONE')
  RETURN collect(DISTINCT p) AS reachable
}
UNWIND reachable AS p
OPTIONAL MATCH (p)-[:GAVE]->(c:Consent {purpose: purpose, channel: channel})
WITH purpose, channel, p, c ORDER BY c.at DESC
WITH purpose, channel, p, head(collect(c)) AS latest
WITH purpose, channel, count(p) AS reachable,
     count(CASE WHEN latest.granted THEN 1 END) AS granted,
     count(CASE WHEN latest IS NOT NULL AND NOT latest.granted THEN 1 END) AS withdrawn
RETURN purpose, channel, reachable, granted, withdrawn, reachable - granted - withdrawn AS unanswered,
       round(toFloat(granted) / reachable, 3) AS grantedShare
ORDER BY purpose, channel;
