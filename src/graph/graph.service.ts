// Reads what the database says about itself, for health checks.
import type { Graph } from './run.js';

export interface HealthModel {
  ok: boolean;
  database: string;
  version: string;
  edition: string;
}

export class HealthService {
  constructor(private readonly graph: Graph) {}

  async health(): Promise<HealthModel> {
    const [row] = await this.graph.read<{ name: string; version: string; edition: string }>(
      'graph/server-info',
    );
    if (!row) throw new Error('dbms.components() returned nothing');
    return { ok: true, database: row.name, version: row.version, edition: row.edition };
  }
}
