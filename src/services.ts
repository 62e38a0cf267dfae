// Builds the domain services over one graph handle; resolvers reach the rules only through these.
import type { AppConfig } from './config.js';
import { HealthService } from './graph/graph.service.js';
import type { Graph } from './graph/run.js';

export interface Services {
  health: HealthService;
}

export function createServices(graph: Graph, _config: AppConfig): Services {
  return {
    health: new HealthService(graph),
  };
}
