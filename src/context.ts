// The per-operation context: services over a graph handle that counts this operation's round trips,
// and DataLoaders, so no cached row outlives the operation that read it. Everything is built on first
// use: an operation that reads nothing (`{ __typename }`) builds nothing.
import { authenticate, type AuthContext } from './access/auth.js';
import type { ChangeFeed } from './changes/changes.feed.js';
import type { DefinitionCache } from './changes/definitions.cache.js';
import type { AppConfig } from './config.js';
import type { Graph } from './graph/run.js';
import { createServices, type Loaders, type Services } from './services.js';

export interface RequestStats {
  dbRoundTrips: number;
}

export interface GraphContext {
  services: Services;
  loaders: Loaders;
  auth: AuthContext;
  stats: RequestStats;
}

export interface ContextDeps {
  graph: Graph;
  config: AppConfig;
  authorization?: string;
  /** Who is calling, when the server already verified it (JWTs are verified asynchronously). */
  auth?: AuthContext;
  /** This instance's change feed; subscriptions and the changes query need it. */
  changeFeed?: ChangeFeed;
  /** This instance's cache of use cases and identifier types, kept current by its change feed. */
  definitions?: DefinitionCache;
  /**
   * A subscription's context lives as long as the subscription: its loaders must not serve a row read
   * for one event to the next, so each access gets fresh ones.
   */
  isLongLived?: boolean;
}

export function createContext(deps: ContextDeps): GraphContext {
  const stats: RequestStats = { dbRoundTrips: 0 };
  const auth = deps.auth ?? authenticate(deps.config, deps.authorization);
  const build = () =>
    createServices(
      deps.graph.observedBy({ onQuery: () => void stats.dbRoundTrips++ }),
      deps.config,
      auth,
      deps.changeFeed,
      deps.definitions,
    );
  let built: ReturnType<typeof build> | undefined;
  const services = () => (built ??= build());
  return {
    auth,
    stats,
    get services() {
      return services().services;
    },
    get loaders() {
      return deps.isLongLived ? build().loaders : services().loaders;
    },
  };
}
