// `idgraph export`: a subject access request answered from the command line, with the same document
// as the exportPerson / exportPersona queries, acting as the operator (recorded as "cli").
import type { AppConfig } from '../config.js';
import type { Graph } from '../graph/run.js';
import { operatorServices } from './operator.js';

export async function exportDocument(
  graph: Graph,
  config: AppConfig,
  target: { person?: string; persona?: string },
): Promise<Record<string, unknown>> {
  const services = operatorServices(graph, config, 'cli');
  if (target.person) return services.privacy.export({ personId: target.person, personaId: null });
  // A persona by id, or by the key of the account it stands for.
  const [byKey] = await services.identity.personasByKeys([target.persona!]);
  const personaId = byKey?.id ?? target.persona!;
  return services.privacy.export({ personId: null, personaId });
}
