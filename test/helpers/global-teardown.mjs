// Stops the test run's Neo4j and removes its temporary store; leaves no Java process behind.
import fs from 'node:fs';

export default async function globalTeardown() {
  const handle = globalThis.__IDGRAPH_TEST_DB__;
  if (!handle) return;
  await handle.db.close();
  if (handle.store) fs.rmSync(handle.store, { recursive: true, force: true });
}
