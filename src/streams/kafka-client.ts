// The connection options every Kafka client of the service shares: brokers, client id, TLS and SASL
// as configured (KAFKA_* in src/config.ts), passed through to @platformatic/kafka.
import fs from 'node:fs';
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
