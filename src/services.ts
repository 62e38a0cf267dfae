// Builds the domain services over one graph handle; resolvers reach the rules only through these.
import type { ChangeFeed } from './changes/changes.feed.js';
import { ChangesRepository } from './changes/changes.repository.js';
import { ChangesService } from './changes/changes.service.js';
import type { AppConfig } from './config.js';
import { HealthService } from './graph/graph.service.js';
import type { Graph } from './graph/run.js';

export interface Services {
  health: HealthService;
  changes: ChangesService;
}

export function createServices(graph: Graph, _config: AppConfig, changeFeed?: ChangeFeed): Services {
  return {
    health: new HealthService(graph),
    changes: new ChangesService(new ChangesRepository(graph), changeFeed),
  };
}
