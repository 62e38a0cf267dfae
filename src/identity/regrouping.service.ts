// Regrouping for other domains that remove evidence inside their own transaction (erasure): the
// identity rules stay here, and they never need identity's repository.
import type { Tx } from '../graph/run.js';
import type { ChangeInput } from '../outbox/outbox.model.js';
import { type ChangeCause, regroup } from './grouping.js';
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

  /**
   * An explicit, sourced assertion that two personas are one person (a reviewed link suggestion), as
   * linkPersonas records one, then the regrouping it causes; returns the grouping changes to record.
   */
  async assertSamePerson(
    tx: Tx,
    pair: [string, string],
    evidence: string,
    actor: string,
    cause: ChangeCause,
  ): Promise<ChangeInput[]> {
    const [first, second] = [...pair].sort() as [string, string];
    await this.repo.assertSamePerson(tx, first, second, evidence, actor);
    return (await regroup(tx, this.repo, pair, cause)).changes;
  }
}
