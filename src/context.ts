// The per-operation context: services over a graph handle that counts this operation's round trips,
// and fresh DataLoaders, so no cached row outlives the operation that read it.
import { authenticate, type AuthContext } from './privacy/auth.js';
import type { ChangeFeed } from './changes/changes.feed.js';
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
  /** This instance's change feed; subscriptions and the changes query need it. */
  changeFeed?: ChangeFeed;
}

export function createContext(deps: ContextDeps): GraphContext {
  const stats: RequestStats = { dbRoundTrips: 0 };
  const graph = deps.graph.observedBy({ onQuery: () => void stats.dbRoundTrips++ });
  const auth = authenticate(deps.config, deps.authorization);
  return { ...createServices(graph, deps.config, auth, deps.changeFeed), auth, stats };
}
