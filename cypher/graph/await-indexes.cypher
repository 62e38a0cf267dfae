// Waits until every index is online, so queries planned right after a migration use them.
// (no parameters)
CALL db.awaitIndexes(300)
