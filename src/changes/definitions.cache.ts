// Definitions every request reads and admins rarely change (use cases, the identifier type
// registry), cached per API instance and dropped when the change feed delivers a redefinition, so every
// instance sees one made on any other within a feed poll (at once with REDIS_URL).
//
// Why promises are cached, not values: a load that began before an invalidation must never be stored
// after it. The entry is the promise, stored when the load starts; invalidation removes it, so a late
// answer only reaches the callers that were already waiting for it.
import type { ChangeFeed } from './changes.feed.js';
import type { ChangeModel } from './changes.model.js';
import type { ChangeType } from '../outbox/outbox.model.js';

export type DefinitionKind = 'useCase' | 'identifierTypes';

/** Which change drops which definitions. */
const invalidatedBy: Partial<Record<ChangeType, DefinitionKind>> = {
  USE_CASE_DEFINED: 'useCase',
  IDENTIFIER_TYPE_DEFINED: 'identifierTypes',
};

export class DefinitionCache {
  private readonly entries = new Map<DefinitionKind, Map<string, Promise<unknown>>>();

  /** The cached definition, or `load`'s answer (read through the caller's graph, so it is counted there). */
  get<T>(kind: DefinitionKind, name: string, load: () => Promise<T>): Promise<T> {
    let byName = this.entries.get(kind);
    if (!byName) this.entries.set(kind, (byName = new Map()));
    const cached = byName.get(name);
    if (cached) return cached as Promise<T>;
    const loading = load();
    byName.set(name, loading);
    // A failed read is not remembered: the next request asks the database again.
    loading.catch(() => {
      if (byName.get(name) === loading) byName.delete(name);
    });
    return loading;
  }

  /** Drops one definition, or every definition of a kind. */
  forget(kind: DefinitionKind, name?: string): void {
    if (name === undefined) this.entries.delete(kind);
    else this.entries.get(kind)?.delete(name);
  }

  forgetAll(): void {
    this.entries.clear();
  }

  /** Drops what each delivered change redefines; everything when the feed may have skipped changes. */
  follow(feed: ChangeFeed): () => void {
    return feed.onChanges((changes) => {
      if (changes === 'gap') return this.forgetAll();
      for (const change of changes) this.apply(change);
    });
  }

  private apply(change: ChangeModel): void {
    const kind = invalidatedBy[change.type];
    if (!kind) return;
    const name = (change.data as { name?: unknown } | null)?.name;
    this.forget(kind, kind === 'useCase' && typeof name === 'string' ? name : undefined);
  }
}
