// Retention: changes older than an age are pruned by an operator's command (idgraph prune-changes),
// never silently by the service, and only from the oldest end of the feed.
import type { ChangesRepository } from './changes.repository.js';

export interface PruneReport {
  /** Changes sequenced before this time were eligible. */
  cutoff: string;
  /** The highest place pruned, or null when no change was that old. */
  prunedThrough: number | null;
  pruned: number;
}

const deleteBatchSize = 10_000;

/**
 * Deletes every change sequenced more than `olderThanDays` ago, and every change placed before
 * one of them, so the feed keeps no hole in the middle. The prune mark is written first: a reader
 * whose cursor falls in the pruned part is told so (CURSOR_PRUNED) rather than skipping silently.
 */
export async function pruneChanges(
  repository: ChangesRepository,
  olderThanDays: number,
  now: Date = new Date(),
): Promise<PruneReport> {
  const cutoff = new Date(now.getTime() - olderThanDays * 24 * 60 * 60 * 1000);
  const horizon = await repository.pruneHorizon(cutoff);
  if (horizon === null) return { cutoff: cutoff.toISOString(), prunedThrough: null, pruned: 0 };
  await repository.markPruned(horizon);
  let pruned = 0;
  for (;;) {
    const deleted = await repository.pruneBatch(horizon, deleteBatchSize);
    pruned += deleted;
    if (deleted < deleteBatchSize) break;
  }
  return { cutoff: cutoff.toISOString(), prunedThrough: horizon, pruned };
}
