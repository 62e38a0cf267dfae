// Reads what the database says about itself, for health checks.
import { GraphRepository } from './graph.repository.js';
import type { Graph } from './run.js';

export interface HealthModel {
  ok: boolean;
  database: string;
  version: string;
  edition: string;
}

export class HealthService {
  private readonly repo: GraphRepository;

  constructor(graph: Graph) {
    this.repo = new GraphRepository(graph);
  }

  async health(): Promise<HealthModel> {
    const row = await this.repo.serverInfo();
    if (!row) throw new Error('dbms.components() returned nothing');
    return { ok: true, database: row.name, version: row.version, edition: row.edition };
  }
}
