// The memory of erasure: a keyed hash (HMAC-SHA256 with ERASURE_SECRET) of every erased identifier,
// so a late event naming one does not silently bring it back. The hash holds no personal data a
// reader of the database could reverse without the secret.
import { createHmac } from 'node:crypto';
import type { Graph, Tx } from '../graph/run.js';
import { erasedAmong, forgetErased, rememberErasedHashes } from './erased.repository.js';

/** An identifier as the checks see it (access sits below identity, so it names the shape, not the model). */
export interface IdentifierKey {
  type: string;
  value: string;
}

export const erasedReason = 'ERASED';

export function erasedHash(secret: string, key: IdentifierKey): string {
  return createHmac('sha256', secret).update(`${key.type}\u0000${key.value}`).digest('hex');
}

export async function rememberErased(tx: Tx, secret: string, keys: IdentifierKey[]): Promise<void> {
  if (keys.length === 0) return;
  await rememberErasedHashes(
    tx,
    keys.map((k) => erasedHash(secret, k)),
  );
}

/** What ingest hands over of one prepared event; identifiers and mentions are filtered in place. */
export interface ErasureCheckedEvent {
  index: number;
  id: string;
  identifiers: IdentifierKey[];
  mentions: { identifier: IdentifierKey }[];
  /** A consent granted in the event: the customer came back, so their identifiers may be stored again. */
  grantsConsent: boolean;
}

/**
 * Drops erased identifiers from events (actor identifiers and mentions), reporting each as ignored
 * with reason ERASED; an event that grants a consent keeps them and lifts their erasure marker.
 * One read for the whole batch, and a write only when a consent lifts a marker.
 */
export async function dropErasedIdentifiers(
  graph: Graph,
  secret: string,
  events: ErasureCheckedEvent[],
): Promise<{ index: number; id: string; type: string; value: string; reason: string }[]> {
  const hashOf = new Map<string, string>();
  const hash = (key: IdentifierKey) => {
    const id = `${key.type}\u0000${key.value}`;
    let h = hashOf.get(id);
    if (!h) hashOf.set(id, (h = erasedHash(secret, key)));
    return h;
  };
  for (const event of events) {
    for (const key of event.identifiers) hash(key);
    for (const m of event.mentions) hash(m.identifier);
  }
  if (hashOf.size === 0) return [];
  const erased = await erasedAmong(graph, [...hashOf.values()]);
  if (erased.size === 0) return [];

  const ignored: { index: number; id: string; type: string; value: string; reason: string }[] = [];
  const lifted = new Set<string>();
  for (const event of events) {
    const keep = (key: IdentifierKey) => {
      const h = hash(key);
      if (!erased.has(h)) return true;
      if (event.grantsConsent) {
        lifted.add(h);
        return true;
      }
      ignored.push({
        index: event.index,
        id: event.id,
        type: key.type,
        value: key.value,
        reason: erasedReason,
      });
      return false;
    };
    event.identifiers.splice(0, event.identifiers.length, ...event.identifiers.filter(keep));
    event.mentions.splice(0, event.mentions.length, ...event.mentions.filter((m) => keep(m.identifier)));
  }
  if (lifted.size > 0) await forgetErased(graph, [...lifted]);
  return ignored;
}
