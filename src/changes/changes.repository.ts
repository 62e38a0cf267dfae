// The change feed's side of the outbox: the sequencer, tailer, replay and pruner read and write it
// here (writers append through src/outbox/).
import { z } from 'zod';
import { readChecked, runChecked, writeChecked } from '../graph/rows.js';
import type { Graph } from '../graph/run.js';
import { changeRow } from './change-row.js';
import type { ChangeFilter, ChangeModel } from './changes.model.js';

const count = z.number().int();
const place = z.number().int();

const pollRow = z.object({ waiting: count, changes: z.array(changeRow) });
const lockRow = z.object({ last: place });
const horizonRow = z.object({ horizon: z.string().nullable() });
const assignedRow = z.object({ assigned: count });
const stateRow = z.object({ last: place, prunedThrough: place });
const pageRow = z.object({ change: changeRow });
const pruneHorizonRow = z.object({ horizon: place.nullable() });
const prunedRow = z.object({ prunedThrough: place });
const deletedRow = z.object({ deleted: count });

export interface FeedBounds {
  /** The last place given (0: none yet). */
  last: number;
  /** Every place at or below this one was pruned (0: none). */
  prunedThrough: number;
}

export class ChangesRepository {
  constructor(private readonly graph: Graph) {}

  /** How many committed changes wait for a place, and up to `limit` changes after `after` in feed order. */
  async poll(after: number, limit: number): Promise<{ waiting: number; changes: ChangeModel[] }> {
    const [row] = await readChecked(this.graph, 'changes/poll', pollRow, { after, limit });
    return { waiting: row?.waiting ?? 0, changes: row?.changes ?? [] };
  }

  /**
   * Gives up to `limit` committed changes their places, in one short transaction that holds the
   * sequence lock; returns how many got one and the last place given.
   */
  sequenceBatch(limit: number): Promise<{ assigned: number; last: number }> {
    return this.graph.writeTx('changes/sequence', async (tx) => {
      const [lock] = await runChecked(tx, 'changes/lock-sequence', lockRow);
      const before = lock?.last ?? 0;
      // Two looks, so a change never gets a place ahead of one committed before it began (see the file).
      const [look] = await runChecked(tx, 'changes/sequencing-horizon', horizonRow);
      if (!look?.horizon) return { assigned: 0, last: before };
      const [row] = await runChecked(tx, 'changes/assign-seqs', assignedRow, {
        last: before,
        limit,
        horizon: look.horizon,
      });
      const assigned = row?.assigned ?? 0;
      if (assigned > 0) await tx.run('changes/advance-sequence', { last: before + assigned });
      return { assigned, last: before + assigned };
    });
  }

  /**
   * The last place given, read under the sequence lock: no sequencer is then between commit and
   * release, so every place up to it is visible to the reads that follow.
   */
  lastUnderLock(): Promise<number> {
    return this.graph.writeTx('changes/last-under-lock', async (tx) => {
      const [lock] = await runChecked(tx, 'changes/lock-sequence', lockRow);
      return lock?.last ?? 0;
    });
  }

  async bounds(): Promise<FeedBounds> {
    const [row] = await readChecked(this.graph, 'changes/sequence-state', stateRow);
    return { last: row?.last ?? 0, prunedThrough: row?.prunedThrough ?? 0 };
  }

  /** A filtered page in (after, upTo], and the prune mark read after it (see ChangesService). */
  page(params: {
    after: number;
    upTo: number;
    limit: number;
    filter: ChangeFilter;
  }): Promise<{ changes: ChangeModel[]; prunedThrough: number }> {
    const { after, upTo, limit, filter } = params;
    return this.graph.readTx('changes/page', async (tx) => {
      const rows = await runChecked(tx, 'changes/page', pageRow, {
        after,
        upTo,
        limit,
        types: filter.types && filter.types.length > 0 ? [...filter.types] : null,
        personaId: filter.personaId ?? null,
        personId: filter.personId ?? null,
      });
      // Read after the page: pruning marks before it deletes, so a page that lost rows to a
      // concurrent prune always sees the mark here.
      const [state] = await runChecked(tx, 'changes/sequence-state', stateRow);
      return { changes: rows.map((r) => r.change), prunedThrough: state?.prunedThrough ?? 0 };
    });
  }

  async pruneHorizon(before: Date): Promise<number | null> {
    const [row] = await readChecked(this.graph, 'changes/prune-horizon', pruneHorizonRow, {
      before: before.toISOString(),
    });
    return row?.horizon ?? null;
  }

  async markPruned(horizon: number): Promise<number> {
    const [row] = await writeChecked(this.graph, 'changes/mark-pruned', prunedRow, { horizon });
    return row?.prunedThrough ?? horizon;
  }

  async pruneBatch(horizon: number, limit: number): Promise<number> {
    const [row] = await writeChecked(this.graph, 'changes/prune-batch', deletedRow, { horizon, limit });
    return row?.deleted ?? 0;
  }
}
