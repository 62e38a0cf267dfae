// The per-operation context: services over a graph handle that counts this operation's round trips,
// and fresh DataLoaders, so no cached row outlives the request that read it.
import type { ChangeFeed } from './changes/changes.feed.js';
import type { AppConfig } from './config.js';
import type { Graph } from './graph/run.js';
import { createServices, type Services } from './services.js';

export interface RequestStats {
  dbRoundTrips: number;
}

export interface GraphContext {
  services: Services;
  stats: RequestStats;
}

export interface ContextDeps {
  graph: Graph;
  config: AppConfig;
  /** This instance's change feed; subscriptions and the changes query need it. */
  changeFeed?: ChangeFeed;
}

export function createContext(deps: ContextDeps): GraphContext {
  const stats: RequestStats = { dbRoundTrips: 0 };
  const graph = deps.graph.observedBy({ onQuery: () => void stats.dbRoundTrips++ });
  return { services: createServices(graph, deps.config, deps.changeFeed), stats };
}
