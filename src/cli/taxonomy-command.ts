// `idgraph taxonomy load`: reads the file and runs it through the profile service, built by the one
// composition root with the rights of an operator at the console.
import fs from 'node:fs';
import type { AppConfig } from '../config.js';
import type { Graph } from '../graph/run.js';
import { loadTaxonomy, parseTaxonomyFile, type TaxonomyLoadSummary } from '../profile/taxonomy-file.js';
import { operatorServices } from './operator.js';

export async function loadTaxonomyFile(
  graph: Graph,
  config: AppConfig,
  file: string,
): Promise<TaxonomyLoadSummary> {
  const parsed = parseTaxonomyFile(fs.readFileSync(file, 'utf8'), file);
  return loadTaxonomy(operatorServices(graph, config, 'cli').profile, parsed);
}
