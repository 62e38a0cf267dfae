// Kafka streams as the API reports them (Query.streams) and as the publisher keeps them.

/** A topic's publishing state in the graph. */
export interface PublisherState {
  /** The place of the last change the broker acknowledged (0: none yet). */
  cursor: number;
  /** Changes published to the topic so far. */
  published: number;
}

export interface ChangeStreamModel {
  topic: string;
  cursor: string | null;
  lagSeconds: number | null;
  published: number;
}

export interface EventStreamModel {
  topic: string;
  group: string;
  lag: number | null;
  consumed: number;
  rejected: number;
}

export interface StreamsModel {
  changes: ChangeStreamModel | null;
  events: EventStreamModel | null;
}
