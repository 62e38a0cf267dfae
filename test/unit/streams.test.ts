// Kafka messages and settings without a broker: the key that keeps one person's changes in one
// partition, the headers, masking, and the KAFKA_* variables.
import { maskedValue } from '../../src/access/masking.js';
import type { ChangeModel } from '../../src/changes/changes.model.js';
import { loadConfig } from '../../src/config.js';
import { changeMessage } from '../../src/streams/change-messages.js';

function change(fields: Partial<ChangeModel>): ChangeModel {
  return {
    seq: 42,
    id: 'c1',
    type: 'IDENTIFIER_ATTACHED',
    at: '2026-01-01T09:00:00.000Z',
    personaIds: [],
    personIds: [],
    data: { event: 'e1', action: null, type: 'email', value: 'anne@mail.example' },
    ...fields,
  };
}

describe('a change as a Kafka message', () => {
  it('is keyed by the person it concerns, the person after a grouping first', () => {
    const grouped = change({
      type: 'PERSON_GROUPED',
      personaIds: ['pa1', 'pa2'],
      personIds: ['after', 'before'],
    });
    expect(changeMessage(grouped, false).key).toBe('after');
  });

  it('is keyed by its persona when it has no person', () => {
    expect(changeMessage(change({ personaIds: ['pa1'] }), false).key).toBe('pa1');
  });

  it('is keyed by type:value for an identifier alone, the value as published', () => {
    expect(changeMessage(change({}), false).key).toBe(`email:${maskedValue}`);
    expect(changeMessage(change({}), true).key).toBe('email:anne@mail.example');
  });

  it('is keyed by its type when it concerns nobody (a definition)', () => {
    const defined = change({
      type: 'USE_CASE_DEFINED',
      data: { event: null, action: 'defineUseCase', name: 'x' },
    });
    expect(changeMessage(defined, false).key).toBe('USE_CASE_DEFINED');
  });

  it('carries the change as a subscriber gets it, masked, with cursor and type headers', () => {
    const message = changeMessage(change({ personaIds: ['pa1'], personIds: ['p1'] }), false);
    expect(JSON.parse(message.value)).toEqual({
      cursor: '42',
      type: 'IDENTIFIER_ATTACHED',
      at: '2026-01-01T09:00:00.000Z',
      personaIds: ['pa1'],
      personIds: ['p1'],
      data: { event: 'e1', action: null, type: 'email', value: maskedValue, masked: true },
    });
    expect([...message.headers]).toEqual([
      ['idgraph-cursor', '42'],
      ['idgraph-type', 'IDENTIFIER_ATTACHED'],
    ]);
  });
});

describe('the KAFKA_* settings', () => {
  it('turn the streams off without KAFKA_BROKERS', () => {
    expect(loadConfig({}).kafka).toBeNull();
  });

  it('publish to the contract’s default topics, and consume only with KAFKA_EVENTS_TOPIC', () => {
    const kafka = loadConfig({ KAFKA_BROKERS: 'a:9092, b:9092' }).kafka!;
    expect(kafka.brokers).toEqual(['a:9092', 'b:9092']);
    expect(kafka.changes).toEqual({
      topic: 'idgraph.changes',
      pii: false,
      from: 'oldest',
      batchSize: 500,
      leaseMs: 30_000,
    });
    expect(kafka.events).toBeNull();
    const events = loadConfig({ KAFKA_BROKERS: 'a:9092', KAFKA_EVENTS_TOPIC: 'in' }).kafka!.events;
    expect(events).toEqual({
      topic: 'in',
      group: 'idgraph-ingest',
      deadLetterTopic: 'idgraph.events.rejected',
      batchSize: 500,
    });
  });

  it('pass SASL and TLS through, and refuse a mechanism without credentials', () => {
    const kafka = loadConfig({
      KAFKA_BROKERS: 'a:9096',
      KAFKA_TLS: 'true',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'idgraph',
      KAFKA_SASL_PASSWORD: 'secret',
    }).kafka!;
    expect(kafka.tls).toEqual({ caFile: undefined });
    expect(kafka.sasl).toEqual({ mechanism: 'SCRAM-SHA-512', username: 'idgraph', password: 'secret' });
    expect(() => loadConfig({ KAFKA_BROKERS: 'a:9096', KAFKA_SASL_MECHANISM: 'PLAIN' })).toThrow(
      'KAFKA_SASL_MECHANISM: set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD too',
    );
  });
});
