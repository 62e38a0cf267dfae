// Serializes the regrouping step of concurrent writers (and only that step): after taking this lock a
// transaction sees every grouping edge committed before it, so two batches that each add half of a
// bridge between personas can never both miss it.
// (no parameters)
MERGE (l:GroupingLock {id: 'grouping'})
SET l.at = datetime()
