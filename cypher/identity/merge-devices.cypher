// Creates or updates devices and the hardware they run on (two browsers on one laptop: one hardware).
// $devices: [{id, kind, os, browser, hardwareId, eventId, source, at}]
UNWIND $devices AS row
MERGE (d:Device {id: row.id})
SET d.kind = coalesce(row.kind, d.kind), d.os = coalesce(row.os, d.os), d.browser = coalesce(row.browser, d.browser)
WITH d, row WHERE row.hardwareId IS NOT NULL
MERGE (h:Device {id: row.hardwareId})
ON CREATE SET h.isHardware = true
MERGE (d)-[r:ON_HARDWARE]->(h)
ON CREATE SET r.strength = 'WEAK', r.eventId = row.eventId, r.source = row.source, r.since = datetime(row.at)
