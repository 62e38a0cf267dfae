// Builds the domain services over one graph handle; resolvers reach the rules only through these.
// Each service and loader set is built on first use: most operations touch one or two of them, and
// `{ __typename }` none, so a request pays only for what it reads.
import type { ChangeFeed } from './changes/changes.feed.js';
import { ChangesRepository } from './changes/changes.repository.js';
import { ChangesService } from './changes/changes.service.js';
import { DefinitionCache } from './changes/definitions.cache.js';
import type { AuthContext } from './privacy/auth.js';
import type { AppConfig } from './config.js';
import { HealthService } from './graph/graph.service.js';
import type { Graph } from './graph/run.js';
import { createIdentityLoaders } from './identity/identity.loaders.js';
import { IdentityService } from './identity/identity.service.js';
import { IngestService } from './identity/ingest.service.js';
import { ResolutionService } from './resolution/resolution.service.js';

/** Caches a factory's product on first call. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

export function createServices(
  graph: Graph,
  config: AppConfig,
  auth: AuthContext,
  changeFeed?: ChangeFeed,
  /** The instance's cache of use cases and identifier types; without one, nothing outlives this call. */
  definitions = new DefinitionCache(),
) {
  const health = once(() => new HealthService(graph));
  const identity = once(() => new IdentityService(graph, config, auth.actor, definitions));
  const ingest = once(() => new IngestService(graph, config));
  const resolution = once(() => new ResolutionService(graph, identity(), definitions, auth.actor));
  const changes = once(() => new ChangesService(new ChangesRepository(graph), changeFeed));
  const identityLoaders = once(() => createIdentityLoaders(identity().repo));
  return {
    services: {
      get health() {
        return health();
      },
      get identity() {
        return identity();
      },
      get ingest() {
        return ingest();
      },
      get resolution() {
        return resolution();
      },
      get changes() {
        return changes();
      },
    },
    loaders: {
      get identity() {
        return identityLoaders();
      },
    },
  };
}

export type Services = ReturnType<typeof createServices>['services'];
export type Loaders = ReturnType<typeof createServices>['loaders'];
