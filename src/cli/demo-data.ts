// The demo dataset `npm run demo` loads: nothing yet but a marker that the demo ran.
import type { AppConfig } from '../config.js';
import type { Graph } from '../graph/run.js';

export async function loadDemoData(_graph: Graph, _config: AppConfig, log: (line: string) => void) {
  log('demo data: none yet');
}
