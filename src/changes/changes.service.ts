// The rules of reading the feed: cursors, replay pages, and subscriptions that replay from a cursor
// and then go live without a gap or a duplicate at the seam.
import { type AppError, badUserInput, serviceUnavailable } from '../errors.js';
import type { ChangeFeed } from './changes.feed.js';
import { matchesFilter, type ChangeFilter, type ChangeModel } from './changes.model.js';
import type { ChangeType } from '../outbox/outbox.model.js';
import type { ChangesRepository } from './changes.repository.js';

export const maxPageSize = 1000;
const defaultPageSize = 100;
/** Changes read per replay query while a subscriber catches up. */
const replayPageSize = 500;

export interface ChangePage {
  changes: ChangeModel[];
  /** Where to continue from (see ChangePageInfo.endCursor in schema.graphql). */
  endCursor: string;
  hasNextPage: boolean;
}

/** A cursor is a place in the feed, written as a decimal string; clients treat it as opaque. */
export function parseCursor(cursor: string | null | undefined): number | undefined {
  if (cursor === null || cursor === undefined) return undefined;
  if (!/^\d{1,15}$/.test(cursor)) {
    throw badUserInput(`"${cursor.slice(0, 40)}" is not a change cursor; use one the API returned`, {
      argument: 'after',
    });
  }
  return Number(cursor);
}

export const formatCursor = (seq: number): string => String(seq);

function cursorPruned(after: number, prunedThrough: number): AppError {
  return badUserInput(
    `Changes up to cursor ${prunedThrough} were pruned (retention), so changes after cursor ${after} ` +
      `are no longer complete; resynchronize, then follow the feed from cursor ${prunedThrough}.`,
    { argument: 'after', reason: 'CURSOR_PRUNED', oldestCursor: formatCursor(prunedThrough) },
  );
}

export class ChangesService {
  constructor(
    private readonly repository: ChangesRepository,
    private readonly feed: ChangeFeed | undefined,
  ) {}

  private requireFeed(): ChangeFeed {
    if (!this.feed?.isRunning) throw serviceUnavailable('The change feed is not running on this instance.');
    return this.feed;
  }

  /** Rejects a cursor from before the retained feed, or from beyond its end (another database?). */
  async checkCursor(after: number): Promise<void> {
    const { last, prunedThrough } = await this.repository.bounds();
    if (after < prunedThrough) throw cursorPruned(after, prunedThrough);
    if (after > last) {
      throw badUserInput(
        `Cursor ${after} is beyond the end of the feed (${last}); use one the API returned`,
        {
          argument: 'after',
          reason: 'CURSOR_AHEAD',
        },
      );
    }
  }

  /** The cursor past every change committed before the call. */
  async latestCursor(): Promise<string> {
    const feed = this.requireFeed();
    await feed.sync();
    return formatCursor(feed.position);
  }

  /**
   * One page of the feed after `after` (none: from the oldest change kept). Sees every change
   * committed before the call: it first numbers what has committed.
   */
  async page(args: { after?: string | null; first?: number | null; types?: readonly ChangeType[] | null }) {
    const feed = this.requireFeed();
    const first = args.first ?? defaultPageSize;
    if (!Number.isInteger(first) || first < 1 || first > maxPageSize) {
      throw badUserInput(`first must be between 1 and ${maxPageSize}`, { argument: 'first' });
    }
    const after = parseCursor(args.after);
    if (after !== undefined) await this.checkCursor(after);
    await feed.sync();
    const start = after ?? 0;
    const upTo = Math.max(feed.position, start);
    const page = await this.repository.page({
      after: start,
      upTo,
      limit: first + 1,
      filter: { types: args.types },
    });
    if (after !== undefined && page.prunedThrough > after) throw cursorPruned(after, page.prunedThrough);
    const hasNextPage = page.changes.length > first;
    const changes = page.changes.slice(0, first);
    // A full page continues after its last change; a partial one after everything read, so changes
    // the filter left out are not read again.
    const end = hasNextPage ? changes[changes.length - 1]!.seq : upTo;
    return { changes, endCursor: formatCursor(end), hasNextPage } satisfies ChangePage;
  }

  /**
   * Up to `limit` changes after `position` in feed order, from memory when the feed still holds them,
   * else from the database; `pruned` when changes right after `position` were pruned (reading then
   * goes on after them). For publishers that keep their own position (src/streams/).
   */
  async batchAfter(
    position: number,
    limit: number,
  ): Promise<{ changes: ChangeModel[]; pruned: number | null }> {
    const feed = this.requireFeed();
    const upTo = feed.position;
    if (upTo <= position) return { changes: [], pruned: null };
    const buffered = feed.readBuffered(position, upTo);
    if (buffered) return { changes: buffered.slice(0, limit), pruned: null };
    const page = await this.repository.page({ after: position, upTo, limit, filter: {} });
    if (page.prunedThrough > position) {
      const rest = await this.batchAfter(page.prunedThrough, limit);
      return { changes: rest.changes, pruned: page.prunedThrough };
    }
    return { changes: page.changes, pruned: null };
  }

  /** The place of the last change committed before the call. */
  async head(): Promise<number> {
    const feed = this.requireFeed();
    await feed.sync();
    return feed.position;
  }

  /** Resolves when this instance's feed moves past `after` (or the signal aborts). */
  waitBeyond(after: number, signal: AbortSignal): Promise<void> {
    return this.requireFeed().waitBeyond(after, signal);
  }

  /**
   * Every change after `after` matching the filter (no cursor: from now), in feed order, then live.
   * Validates before it returns, so a bad cursor is an error of the subscription, not of its stream.
   */
  async subscribe(
    filter: ChangeFilter,
    after: string | null | undefined,
  ): Promise<AsyncIterableIterator<ChangeModel>> {
    const feed = this.requireFeed();
    let start = parseCursor(after);
    if (start !== undefined) {
      await this.checkCursor(start);
    } else {
      await feed.sync();
      start = feed.position;
    }
    const controller = new AbortController();
    const stream = this.stream(feed, filter, start, controller.signal);
    // An async generator cannot be returned while it awaits; aborting first ends the await, so a
    // subscriber that leaves while waiting for live changes is released at once.
    const iterator: AsyncIterableIterator<ChangeModel> = {
      next: () => stream.next(),
      return: (value?: unknown) => {
        controller.abort();
        return stream.return(value as undefined);
      },
      throw: (error?: unknown) => {
        controller.abort();
        return stream.throw(error);
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /**
   * The seam between replay and live cannot gap or repeat because there is no seam: the stream has
   * one position and always reads the places right after it, from memory when the feed still holds
   * them and from the database otherwise, up to the feed's head only.
   */
  private async *stream(
    feed: ChangeFeed,
    filter: ChangeFilter,
    start: number,
    signal: AbortSignal,
  ): AsyncGenerator<ChangeModel, void, undefined> {
    let position = start;
    while (!signal.aborted && feed.isRunning) {
      const upTo = feed.position;
      if (position >= upTo) {
        await feed.waitBeyond(position, signal);
        continue;
      }
      const buffered = feed.readBuffered(position, upTo);
      if (buffered) {
        for (const change of buffered) {
          position = change.seq;
          if (matchesFilter(change, filter)) yield change;
        }
        position = Math.max(position, upTo);
        continue;
      }
      const page = await this.repository.page({ after: position, upTo, limit: replayPageSize, filter });
      if (page.prunedThrough > position) throw cursorPruned(position, page.prunedThrough);
      for (const change of page.changes) {
        position = change.seq;
        yield change;
      }
      if (page.changes.length < replayPageSize) position = upTo;
    }
  }
}
