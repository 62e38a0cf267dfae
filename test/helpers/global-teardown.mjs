// Stops the test run's Neo4j (and the quiet one, when it was started) and removes their temporary
// stores; leaves no Java process behind.
import fs from 'node:fs';

export default async function globalTeardown() {
  const handle = globalThis.__IDGRAPH_TEST_DB__;
  if (!handle) return;
  await handle.db.close();
  if (handle.store) fs.rmSync(handle.store, { recursive: true, force: true });
  if (handle.quiet) {
    const quiet = await handle.quiet.started;
    await quiet?.close();
    fs.rmSync(handle.quiet.dir, { recursive: true, force: true });
  }
}
