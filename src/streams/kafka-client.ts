// What the service's Kafka clients share: the connection options (brokers, client id, TLS and SASL as
// configured, KAFKA_* in src/config.ts, passed through to @platformatic/kafka), the producer they
// write with, and how their retry loops pause and report.
import fs from 'node:fs';
import { Producer, stringSerializers } from '@platformatic/kafka';
import type { KafkaSettings } from '../config.js';

export interface KafkaConnection {
  clientId: string;
  bootstrapBrokers: string[];
  tls?: { ca?: string };
  sasl?: { mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; username: string; password: string };
  /** A request the broker does not answer in this time fails, and the caller retries. */
  requestTimeout: number;
  connectTimeout: number;
  /** The caller retries and reports; the client's own retries would only delay the report. */
  retries: number;
}

export function kafkaConnection(settings: KafkaSettings, role: string): KafkaConnection {
  return {
    clientId: `${settings.clientId}-${role}`,
    bootstrapBrokers: settings.brokers,
    ...(settings.tls
      ? { tls: settings.tls.caFile ? { ca: fs.readFileSync(settings.tls.caFile, 'utf8') } : {} }
      : {}),
    ...(settings.sasl ? { sasl: settings.sasl } : {}),
    requestTimeout: 10_000,
    connectTimeout: 5_000,
    retries: 2,
  };
}

export const errorMessage = (error: unknown): string => {
  if (error instanceof AggregateError && error.errors.length > 0) return errorMessage(error.errors[0]);
  const cause = (error as { cause?: unknown }).cause;
  const message = error instanceof Error ? error.message : String(error);
  return cause instanceof Error ? `${message} (${cause.message})` : message;
};

/**
 * A producer whose every send is acknowledged by all in-sync replicas, and idempotent, so the
 * client's own retries never write a message twice.
 */
export function idempotentProducer(
  settings: KafkaSettings,
  role: string,
): Producer<string, string, string, string> {
  return new Producer({
    ...kafkaConnection(settings, role),
    serializers: stringSerializers,
    idempotent: true,
    acks: -1,
    autocreateTopics: true,
  });
}

/** Waits `ms`, less once `stopping` is aborted. */
export function pause(ms: number, stopping: AbortSignal): Promise<void> {
  if (stopping.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      resolve();
    }
    stopping.addEventListener('abort', done, { once: true });
  });
}

/**
 * The log of a loop that retries while the broker or the database is away: each different error
 * once, not on every retry, and the recovery once. `doing` names the work: 'publishing to t'.
 */
export class RetryLog {
  private lastError = '';

  constructor(
    private readonly log: (line: string) => void,
    private readonly doing: string,
  ) {}

  failed(error: unknown): void {
    const message = errorMessage(error);
    if (message !== this.lastError) this.log(`kafka: ${this.doing} paused (${message}); retrying`);
    this.lastError = message;
  }

  recovered(): void {
    if (this.lastError) this.log(`kafka: ${this.doing} resumed`);
    this.lastError = '';
  }
}
