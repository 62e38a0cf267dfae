// The profile changes as the feed delivers them: sequenced, filtered, what integrators subscribe to.
import type { ChangeType } from '../outbox/outbox.model.js';

/** A change as the feed delivers it: sequenced, so it has a place (`seq`) in the one total order. */
export interface ChangeModel {
  /** Position in the feed: consecutive, assigned only after the writing transaction committed. */
  seq: number;
  id: string;
  type: ChangeType;
  /** The time of the writing transaction (ISO-8601). */
  at: string;
  personaIds: string[];
  personIds: string[];
  data: unknown;
}

/** Which changes a reader wants; every set field must match (an empty filter matches all). */
export interface ChangeFilter {
  types?: readonly ChangeType[] | null;
  personaId?: string | null;
  personId?: string | null;
}

export function matchesFilter(change: ChangeModel, filter: ChangeFilter): boolean {
  if (filter.types && filter.types.length > 0 && !filter.types.includes(change.type)) return false;
  if (filter.personaId && !change.personaIds.includes(filter.personaId)) return false;
  if (filter.personId && !change.personIds.includes(filter.personId)) return false;
  return true;
}
