// The graph layer's own statements (cypher/graph/): what the database says about itself, and the
// record of applied migrations.
import type { Graph } from './run.js';

export class GraphRepository {
  constructor(private readonly graph: Graph) {}

  async serverInfo(): Promise<{ name: string; version: string; edition: string } | undefined> {
    const [row] = await this.graph.read<{ name: string; version: string; edition: string }>(
      'graph/server-info',
    );
    return row;
  }

  async ensureMigrationConstraint(): Promise<void> {
    await this.graph.write('graph/ensure-migration-constraint');
  }

  async appliedMigrations(): Promise<Set<string>> {
    return new Set((await this.graph.read<{ name: string }>('graph/applied-migrations')).map((r) => r.name));
  }

  async recordMigration(name: string): Promise<void> {
    await this.graph.write('graph/record-migration', { name });
  }

  /** Waits until every index is online. */
  async awaitIndexes(): Promise<void> {
    await this.graph.read('graph/await-indexes');
  }
}
