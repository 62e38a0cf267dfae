// Regrouping for other domains that remove evidence inside their own transaction (erasure): the
// identity rules stay here, and they never need identity's repository.
import type { Tx } from '../graph/run.js';
import type { ChangeInput } from '../outbox/outbox.model.js';
import { regroup } from './grouping.js';
import type { IdentifierKey } from './identity.model.js';
import type { IdentityRepository } from './identity.repository.js';

export class RegroupingService {
  constructor(private readonly repo: IdentityRepository) {}

  /**
   * After evidence was removed: identifiers that stay for others may fall back under their limit, and
   * the remaining personas of a person may no longer be grouped. Both are recomputed from the evidence
   * that remains; returns the grouping changes to record.
   */
  async afterRemoval(
    tx: Tx,
    keptIdentifiers: IdentifierKey[],
    remainingPersonaIds: string[],
  ): Promise<ChangeInput[]> {
    const shared = await this.repo.refreshShared(tx, keptIdentifiers);
    const regrouping = await regroup(tx, this.repo, [
      ...remainingPersonaIds,
      ...shared.flatMap((s) => s.holderIds),
    ]);
    return regrouping.changes;
  }
}
