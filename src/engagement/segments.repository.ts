// The statements of segments: define one, read one by name, count and page its members. The rows are
// checked where the segment's shape is known (segments.ts).
import type { Graph } from '../graph/run.js';

export class SegmentsRepository {
  constructor(private readonly graph: Graph) {}

  async define(segment: { name: string; description: string | null; conditions: string }): Promise<unknown> {
    const [row] = await this.graph.write('engagement/define-segment', segment);
    return row;
  }

  async byName(name: string): Promise<unknown> {
    const [row] = await this.graph.read('engagement/segment-by-name', { name });
    return row;
  }

  /** The members' count and a page of them after `afterKey`, under the segment's conditions. */
  async members(params: Record<string, unknown> & { afterKey: string; limit: number }): Promise<unknown> {
    const [row] = await this.graph.read('engagement/segment-members', params);
    return row;
  }
}
