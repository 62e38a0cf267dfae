// The few reads and writes around a bulk import (cypher/import/bulk-*): whether the store is empty, the
// fact keys the import flags facts against, and the one fix the offline importer leaves to Cypher.
import { z } from 'zod';
import { readChecked } from '../graph/rows.js';
import type { Graph } from '../graph/run.js';

export class BulkRepository {
  constructor(private readonly graph: Graph) {}

  /** Nodes the store holds besides a new store's (and their labels): none where a bulk import may run. */
  async storeContents(): Promise<{ nodes: number; labels: string[] }> {
    const [row] = await readChecked(
      this.graph,
      'import/bulk-store-contents',
      z.object({ nodes: z.number(), labels: z.array(z.string()) }),
    );
    return row ?? { nodes: 0, labels: [] };
  }

  async factKeys(): Promise<Map<string, { mapped: boolean; sensitive: boolean }>> {
    const rows = await readChecked(
      this.graph,
      'import/bulk-fact-keys',
      z.object({ key: z.string(), mapped: z.boolean(), sensitive: z.boolean() }),
    );
    return new Map(rows.map((r) => [r.key, { mapped: r.mapped, sensitive: r.sensitive }]));
  }

  async fillEmptyLists(): Promise<void> {
    await this.graph.batched('import/bulk-empty-lists');
  }
}
