// The composition root: the one place that wires repositories, services and loaders together. A
// request builds only what its operation uses, so `{ __typename }` costs no database work.
import type { ChangeFeed } from './changes/changes.feed.js';
import { ChangesRepository } from './changes/changes.repository.js';
import { ChangesService } from './changes/changes.service.js';
import { DefinitionCache } from './changes/definitions.cache.js';
import { WebhooksService } from './changes/webhooks.service.js';
import type { AuthContext } from './access/auth.js';
import type { AppConfig } from './config.js';
import { HealthService } from './graph/graph.service.js';
import type { Graph } from './graph/run.js';
import { createIdentityLoaders } from './identity/identity.loaders.js';
import { IdentityRepository } from './identity/identity.repository.js';
import { IdentityService } from './identity/identity.service.js';
import { NestedReadRepository } from './identity/nested.repository.js';
import { IngestService } from './identity/ingest.service.js';
import { RegroupingService } from './identity/regrouping.service.js';
import { PrivacyService } from './privacy/privacy.service.js';
import { ResolutionService } from './resolution/resolution.service.js';
import { createProfileLoaders } from './profile/profile.loaders.js';
import { ProfileIngest } from './profile/profile.ingest.js';
import { ProfileRepository } from './profile/profile.repository.js';
import { ProfileService } from './profile/profile.service.js';
import { SearchService } from './identity/search.service.js';
import { createEngagementLoaders } from './engagement/engagement.loaders.js';
import { EngagementRepository } from './engagement/engagement.repository.js';
import { EngagementService } from './engagement/engagement.service.js';
import { SegmentsService } from './engagement/segments.js';
import { MatchingService } from './matching/matching.service.js';
import { StreamsService } from './streams/streams.service.js';

/** Caches a factory's product on first call. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

/** An object whose every property is a getter over its factory (each factory caches its product). */
function builtOnRead<T extends object>(factories: { [K in keyof T]: () => T[K] }): T {
  const built = {} as T;
  for (const key of Object.keys(factories) as (keyof T & string)[]) {
    Object.defineProperty(built, key, { get: factories[key], enumerable: true, configurable: true });
  }
  return built;
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
  const identityRepository = once(() => new IdentityRepository(graph));
  const identity = once(
    () => new IdentityService(graph, config, auth.actor, definitions, identityRepository()),
  );
  const ingest = once(() => new IngestService(graph, config, new ProfileIngest(graph)));
  const resolution = once(() => new ResolutionService(graph, identity(), definitions, auth.actor));
  const changes = once(() => new ChangesService(new ChangesRepository(graph), changeFeed));
  const identityLoaders = once(() =>
    createIdentityLoaders(
      identityRepository(),
      new NestedReadRepository(graph),
      config.limits.nestedReadDepth,
    ),
  );
  const profileLoaders = once(() => createProfileLoaders(new ProfileRepository(graph)));
  const profile = once(() => new ProfileService(graph, identity(), resolution(), identityLoaders(), auth));
  const webhooks = once(() => new WebhooksService(graph, changes(), config.webhooks, auth.actor));
  const regrouping = once(() => new RegroupingService(identityRepository()));
  const privacy = once(() => new PrivacyService(graph, config, regrouping(), auth.actor));
  const matching = once(() => new MatchingService(graph, config, auth.actor, regrouping()));
  const search = once(() => new SearchService(graph, config));
  const engagement = once(() => new EngagementService(graph, config, identity()));
  const segments = once(
    () => new SegmentsService(graph, resolution(), (id) => identityLoaders().identifiersOfPersona.load(id)),
  );
  const streams = once(() => new StreamsService(graph, config, changes()));
  const engagementLoaders = once(() => createEngagementLoaders(new EngagementRepository(graph)));
  return {
    services: builtOnRead({
      health,
      identity,
      ingest,
      resolution,
      changes,
      profile,
      webhooks,
      privacy,
      search,
      engagement,
      segments,
      matching,
      streams,
    }),
    loaders: builtOnRead({
      identity: identityLoaders,
      profile: profileLoaders,
      engagement: engagementLoaders,
    }),
  };
}

export type Services = ReturnType<typeof createServices>['services'];
export type Loaders = ReturnType<typeof createServices>['loaders'];
