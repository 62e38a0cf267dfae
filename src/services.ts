// Builds the domain services over one graph handle; resolvers reach the rules only through these.
import type { ChangeFeed } from './changes/changes.feed.js';
import { ChangesRepository } from './changes/changes.repository.js';
import { ChangesService } from './changes/changes.service.js';
import type { AuthContext } from './privacy/auth.js';
import type { AppConfig } from './config.js';
import { HealthService } from './graph/graph.service.js';
import type { Graph } from './graph/run.js';
import { createIdentityLoaders } from './identity/identity.loaders.js';
import { IdentityService } from './identity/identity.service.js';
import { IngestService } from './identity/ingest.service.js';
import { ResolutionService } from './resolution/resolution.service.js';
import { SearchService } from './identity/search.service.js';

export function createServices(graph: Graph, config: AppConfig, auth: AuthContext, changeFeed?: ChangeFeed) {
  const identity = new IdentityService(graph, config, auth.actor);
  const loaders = { identity: createIdentityLoaders(identity.repo) };
  return {
    services: {
      health: new HealthService(graph),
      identity,
      ingest: new IngestService(graph, config),
      resolution: new ResolutionService(graph, identity, loaders.identity, auth.actor),
      changes: new ChangesService(new ChangesRepository(graph), changeFeed),
      search: new SearchService(graph, config),
    },
    loaders,
  };
}

export type Services = ReturnType<typeof createServices>['services'];
export type Loaders = ReturnType<typeof createServices>['loaders'];
