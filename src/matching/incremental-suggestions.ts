// Serve's link suggestions after ingest: the personas a committed change created or changed (their
// facts or identifiers) are gathered from the change feed for a moment, then scored against their
// blocks with the trained model (MatchingService.suggestForChanged), so a new persona's suggestion is
// there within seconds. One run at a time; a failure is logged once until a run succeeds again.
//
// Every instance follows the whole feed, so with several instances each scores the same personas
// (the suggestions are kept once per pair). A gap in the feed may hide changes: a whole pass
// (`idgraph suggest`) scores everyone.
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

  constructor(
    private readonly suggest: (personas: string[]) => Promise<SuggestionRunModel | null>,
    /** How long changed personas are gathered before a run; 0: never. */
    private readonly debounceMs: number,
    private readonly log: (line: string) => void = (line) => console.error(line),
  ) {}

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
