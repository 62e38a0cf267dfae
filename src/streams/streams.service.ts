// What Query.streams reports: the publisher's and the consumer group's state, read from the graph so
// any instance answers the same, whichever one publishes or consumes.
import type { ChangesService } from '../changes/changes.service.js';
import type { AppConfig } from '../config.js';
import type { Graph } from '../graph/run.js';
import type { ChangeStreamModel, EventStreamModel, StreamsModel } from './streams.model.js';
import { StreamsRepository } from './streams.repository.js';

export class StreamsService {
  private readonly repository: StreamsRepository;

  constructor(
    graph: Graph,
    private readonly config: AppConfig,
    private readonly changes: ChangesService,
  ) {
    this.repository = new StreamsRepository(graph);
  }

  async status(): Promise<StreamsModel> {
    const [changes, events] = await Promise.all([this.changeStream(), this.eventStream()]);
    return { changes, events };
  }

  private async changeStream(): Promise<ChangeStreamModel | null> {
    const kafka = this.config.kafka;
    if (!kafka) return null;
    const topic = kafka.changes.topic;
    const state = await this.repository.state(topic);
    const cursor = state?.cursor ?? 0;
    const { changes } = await this.changes.batchAfter(cursor, 1);
    const oldest = changes[0];
    return {
      topic,
      cursor: state && state.cursor > 0 ? String(state.cursor) : null,
      lagSeconds: oldest ? Math.max(0, (Date.now() - Date.parse(oldest.at)) / 1000) : 0,
      published: state?.published ?? 0,
    };
  }

  private async eventStream(): Promise<EventStreamModel | null> {
    const events = this.config.kafka?.events;
    if (!events) return null;
    const state = await this.repository.consumerState(events.topic, events.group);
    return {
      topic: events.topic,
      group: events.group,
      lag: state?.lag ?? null,
      consumed: state?.consumed ?? 0,
      rejected: state?.rejected ?? 0,
    };
  }
}
