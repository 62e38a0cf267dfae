// Serve's link suggestions after ingest: the personas a committed change created or changed (their
// facts or identifiers) are gathered from the change feed for a moment (MATCHING_INCREMENTAL_MS), then
// scored against their blocks with the trained model (MatchingService.suggestForChanged), so a new
// persona's suggestion is there well under a second after its ingest committed. One run at a time:
// what arrives during a run waits for the next, so a stream of ingests is scored in growing batches
// instead of a queue of runs. A failure is logged once until a run succeeds again.
//
// Why a lease. Every instance follows the whole feed and so sees every ingested persona, whichever
// instance (or batch job) wrote it. Scoring them everywhere would repeat the work per instance, and
// two passes over one persona at once would each mark STALE the pairs the other kept. So only the
// holder of the scoring lease (on the model's node) scores; the others drop what they gathered. The
// holder renews it once half of it has passed, so most runs cost no extra write; a stopping holder
// gives it back, and a crashed one's expires after `leaseMs`: the changes it had gathered are then
// scored at the next whole pass (`idgraph suggest`), as are changes hidden by a gap in the feed.
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { ChangeFeed } from '../changes/changes.feed.js';
import type { ChangeType } from '../outbox/outbox.model.js';
import type { SuggestionRunModel } from './matching.model.js';

/** The changes that can change a persona's values or blocks (not LINK_SUGGESTED: that would loop). */
const scoredAfter: ReadonlySet<ChangeType> = new Set<ChangeType>([
  'PERSONA_CREATED',
  'PERSONA_UPDATED',
  'IDENTIFIER_ATTACHED',
  'IDENTIFIER_DETACHED',
  'FACT_RECORDED',
]);

/** Personas per run: a bulk import's millions are scored in runs of this many, one after another. */
const maxPerRun = 5_000;

export class IncrementalSuggestions {
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;
  private failing = false;
  /** Until when (this process's clock) the lease is known held without renewing it; 0: not held. */
  private heldUntil = 0;

  constructor(
    private readonly suggest: (personas: string[]) => Promise<SuggestionRunModel | null>,
    /** How long changed personas are gathered before a run; 0: never. */
    private readonly debounceMs: number,
    /** The scoring lease for `owner`: acquire is true when held (taken or renewed for `leaseMs`). */
    private readonly lease: {
      acquire: () => Promise<boolean>;
      release: () => Promise<void>;
      leaseMs: number;
    },
    private readonly log: (line: string) => void = (line) => console.error(line),
  ) {}

  /** A name for this instance as the lease's holder. */
  static owner(): string {
    return `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  follow(feed: ChangeFeed): void {
    if (this.debounceMs <= 0) return;
    this.unsubscribe = feed.onChanges((changes) => {
      if (changes === 'gap') return;
      for (const change of changes) {
        if (scoredAfter.has(change.type)) for (const id of change.personaIds) this.pending.add(id);
      }
      this.schedule();
    });
  }

  /** No run starts after this; the one under way is waited for. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    if (this.heldUntil > 0) {
      this.heldUntil = 0;
      // Not given back, it expires after leaseMs: only scoring waits until then.
      await this.lease.release().catch(() => undefined);
    }
  }

  /** Whether this instance scores now: it holds the lease, renewed once half of it has passed. */
  private async holdsLease(): Promise<boolean> {
    const asked = performance.now();
    if (asked < this.heldUntil) return true;
    const held = await this.lease.acquire();
    this.heldUntil = held ? asked + this.lease.leaseMs / 2 : 0;
    return held;
  }

  private schedule(): void {
    // A run under way schedules the next itself when it ends.
    if (this.stopped || this.timer || this.running || this.pending.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.debounceMs);
    this.timer.unref();
  }

  private async runOnce(): Promise<void> {
    const personas = [...this.pending].slice(0, maxPerRun);
    for (const id of personas) this.pending.delete(id);
    try {
      // Another instance holds the lease (it scores these), or no model is trained yet.
      if (!(await this.holdsLease())) return;
      const run = await this.suggest(personas);
      if (this.failing) this.log('suggest: scoring ingested personas works again');
      this.failing = false;
      if (run && run.suggested > 0) {
        this.log(
          `suggest: ${personas.length} changed persona(s), ${run.candidates} candidate pair(s), ` +
            `${run.suggested} new suggestion(s) in ${run.seconds.toFixed(1)} s`,
        );
      }
    } catch (error) {
      // Those personas are not retried: the next change to them, or a whole pass, scores them.
      if (!this.failing) {
        this.log(
          `suggest: scoring ingested personas failed (${(error as Error).message}); ` +
            'logged once until it works again',
        );
      }
      this.failing = true;
    }
  }
}
