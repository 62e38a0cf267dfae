// The graph layer's own statements (cypher/graph/): what the database says about itself, and the
// record of applied migrations.
import { z } from 'zod';
import { parseRows } from './rows.js';
import type { Graph } from './run.js';

const serverInfoRow = z.object({ name: z.string(), version: z.string(), edition: z.string() });

export class GraphRepository {
  constructor(private readonly graph: Graph) {}

  async serverInfo(): Promise<z.output<typeof serverInfoRow> | undefined> {
    const name = 'graph/server-info';
    const [row] = parseRows(name, serverInfoRow, await this.graph.read(name));
    return row;
  }

  async ensureMigrationConstraint(): Promise<void> {
    await this.graph.write('graph/ensure-migration-constraint');
  }

  async appliedMigrations(): Promise<Set<string>> {
    const name = 'graph/applied-migrations';
    const rows = parseRows(name, z.object({ name: z.string() }), await this.graph.read(name));
    return new Set(rows.map((r) => r.name));
  }

  async recordMigration(name: string): Promise<void> {
    await this.graph.write('graph/record-migration', { name });
  }

  /** Waits until every index is online. */
  async awaitIndexes(): Promise<void> {
    await this.graph.read('graph/await-indexes');
  }
}
