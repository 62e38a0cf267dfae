// The streams' state in the graph: the only code that names a streams/* query. Every write of the
// publisher is conditional on holding the topic's lease (as the webhooks' deliverer's are).
import { z } from 'zod';
import { readChecked, writeChecked } from '../graph/rows.js';
import type { Graph } from '../graph/run.js';
import type { PublisherState } from './streams.model.js';

const publisherRow = z.object({
  publisher: z.object({ cursor: z.number().int(), published: z.number().int() }),
});
const stateRow = z.object({
  publisher: z.object({
    cursor: z.number().int(),
    published: z.number().int(),
    holder: z.string().nullable(),
  }),
});

const consumerRow = z.object({
  consumer: z.object({
    consumed: z.number().int(),
    rejected: z.number().int(),
    lag: z.number().int().nullable(),
  }),
});

/** Who holds a lease, and for how long each write renews it. */
export interface Lease {
  owner: string;
  leaseMs: number;
}

export class StreamsRepository {
  constructor(private readonly graph: Graph) {}

  /** The topic's state when this instance holds (or now took) its lease; undefined when another does. */
  async acquire(topic: string, lease: Lease, start: number): Promise<PublisherState | undefined> {
    const [row] = await writeChecked(this.graph, 'streams/publisher-acquire', publisherRow, {
      topic,
      ...lease,
      start,
    });
    return row?.publisher;
  }

  /** Records acknowledged changes; undefined when the lease was lost meanwhile. */
  async published(
    topic: string,
    lease: Lease,
    progress: { cursor: number; count: number },
  ): Promise<PublisherState | undefined> {
    const [row] = await writeChecked(this.graph, 'streams/publisher-published', publisherRow, {
      topic,
      ...lease,
      ...progress,
    });
    return row?.publisher;
  }

  async release(topic: string, owner: string): Promise<void> {
    await this.graph.write('streams/publisher-release', { topic, owner });
  }

  async state(topic: string): Promise<(PublisherState & { holder: string | null }) | undefined> {
    const [row] = await readChecked(this.graph, 'streams/publisher-state', stateRow, { topic });
    return row?.publisher;
  }

  async consumed(
    topic: string,
    group: string,
    batch: { consumed: number; rejected: number; lag: number | null },
  ): Promise<void> {
    await this.graph.write('streams/consumer-progress', { topic, group, ...batch });
  }

  async consumerState(
    topic: string,
    group: string,
  ): Promise<{ consumed: number; rejected: number; lag: number | null } | undefined> {
    const [row] = await readChecked(this.graph, 'streams/consumer-state', consumerRow, { topic, group });
    return row?.consumer;
  }
}
