// A change as a Kafka message: the value a subscriber gets (the webhooks' payload of one change), the
// key that keeps one person's changes in one partition, the headers a consumer routes on.
import type { ChangeModel } from '../changes/changes.model.js';
import type { DeliveredChange } from '../changes/webhooks.model.js';
import { toDelivered } from '../changes/webhooks.deliverer.js';

export const cursorHeader = 'idgraph-cursor';
export const typeHeader = 'idgraph-type';

export interface ChangeMessage {
  key: string;
  value: string;
  headers: Map<string, string>;
}

/**
 * The person the change concerns (for a grouping, the person after it: personIds lists those
 * first), else its persona, else the identifier alone as `type:value` (the value as published: masked
 * unless KAFKA_CHANGES_PII), else the change's type (definitions concern nobody).
 */
export function changeKey(delivered: DeliveredChange): string {
  const person = delivered.personIds[0];
  if (person) return person;
  const persona = delivered.personaIds[0];
  if (persona) return persona;
  const data = delivered.data as { type?: unknown; value?: unknown } | null;
  if (data && typeof data.type === 'string' && typeof data.value === 'string')
    return `${data.type}:${data.value}`;
  return delivered.type;
}

export function changeMessage(change: ChangeModel, pii: boolean): ChangeMessage {
  const delivered = toDelivered(change, pii);
  return {
    key: changeKey(delivered),
    value: JSON.stringify(delivered),
    headers: new Map([
      [cursorHeader, delivered.cursor],
      [typeHeader, delivered.type],
    ]),
  };
}
