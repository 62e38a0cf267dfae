// What ingest records in the change feed. Online, every change (an integrator may follow each
// identifier attached). A bulk import records only what an integrator acts on, so a million imported
// events do not flood the feed with one change per evidence edge: personas created or updated,
// persons grouped or split, identifiers that became shared, facts and consents.
import type { ChangeInput, ChangeType } from '../outbox/outbox.model.js';

export type ChangeRecording = 'all' | 'import';

/** Left out of an import's changes: each is one evidence edge, and the persona's change covers it. */
const importOmits: ReadonlySet<ChangeType> = new Set<ChangeType>(['IDENTIFIER_ATTACHED']);

export function changesToRecord(changes: ChangeInput[], recording: ChangeRecording): ChangeInput[] {
  if (recording === 'all') return changes;
  return changes.filter((change) => !importOmits.has(change.type));
}
