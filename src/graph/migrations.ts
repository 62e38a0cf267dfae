// Applies cypher/schema/NNN-*.cypher in order, each once, recorded as (:Migration) in the database.
import { loadMigrations } from './cypher-files.js';
import { GraphRepository } from './graph.repository.js';
import type { Graph } from './run.js';

export async function migrate(graph: Graph, log: (line: string) => void = () => {}): Promise<string[]> {
  // Every schema statement says IF NOT EXISTS, so two instances migrating at once is harmless.
  const repo = new GraphRepository(graph);
  await repo.ensureMigrationConstraint();
  const applied = await repo.appliedMigrations();
  const ran: string[] = [];
  for (const migration of loadMigrations()) {
    if (applied.has(migration.name)) continue;
    for (const statement of migration.statements) await graph.runText(statement);
    await repo.recordMigration(migration.name);
    log(`applied migration ${migration.name}`);
    ran.push(migration.name);
  }
  // Schema changes come online asynchronously; queries planned before that would scan.
  await repo.awaitIndexes();
  return ran;
}
