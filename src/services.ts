// Builds the domain services over one graph handle; resolvers reach the rules only through these.
import type { ChangeFeed } from './changes/changes.feed.js';
import { ChangesRepository } from './changes/changes.repository.js';
import { ChangesService } from './changes/changes.service.js';
import { WebhooksService } from './changes/webhooks.service.js';
import type { AuthContext } from './privacy/auth.js';
import type { AppConfig } from './config.js';
import { HealthService } from './graph/graph.service.js';
import type { Graph } from './graph/run.js';
import { createIdentityLoaders } from './identity/identity.loaders.js';
import { IdentityRepository } from './identity/identity.repository.js';
import { IdentityService } from './identity/identity.service.js';
import { IngestService } from './identity/ingest.service.js';
import { PrivacyService } from './privacy/privacy.service.js';
import { ResolutionService } from './resolution/resolution.service.js';
import { createProfileLoaders } from './profile/profile.loaders.js';
import { ProfileRepository } from './profile/profile.repository.js';
import { ProfileService } from './profile/profile.service.js';
import { SearchService } from './identity/search.service.js';

export function createServices(graph: Graph, config: AppConfig, auth: AuthContext, changeFeed?: ChangeFeed) {
  const identityRepository = new IdentityRepository(graph);
  const identity = new IdentityService(graph, config, auth.actor, identityRepository);
  const loaders = {
    identity: createIdentityLoaders(identityRepository),
    profile: createProfileLoaders(new ProfileRepository(graph)),
  };
  const resolution = new ResolutionService(graph, identity, loaders.identity, auth.actor);
  const changes = new ChangesService(new ChangesRepository(graph), changeFeed);
  return {
    services: {
      health: new HealthService(graph),
      identity,
      ingest: new IngestService(graph, config),
      resolution,
      changes,
      profile: new ProfileService(graph, identity, resolution, loaders.identity, auth),
      webhooks: new WebhooksService(graph, changes, config.webhooks, auth.actor),
      privacy: new PrivacyService(graph, config, identityRepository, auth.actor),
      search: new SearchService(graph, config),
    },
    loaders,
  };
}

export type Services = ReturnType<typeof createServices>['services'];
export type Loaders = ReturnType<typeof createServices>['loaders'];
