// The services as the operator at the command line uses them: every role, recorded in the audit
// trail under the command's name. The same composition root as the API (src/services.ts).
import { allRoles, type AppConfig } from '../config.js';
import type { Graph } from '../graph/run.js';
import { createServices } from '../services.js';

export function operatorServices(graph: Graph, config: AppConfig, actor: string) {
  return createServices(graph, config, { actor, authenticated: true, roles: new Set(allRoles) }).services;
}
