// The periodic staleness pass of a serving instance: WEAK evidence goes stale with time alone, so no
// write notices when a grouping's only glue has; this undoes such groupings every STALE_REGROUP_HOURS.
// Every instance runs it; the grouping lock serializes them and a pass that finds nothing writes nothing.
import type { StaleRegrouping } from './identity.service.js';

/** The first pass comes this soon after start (or after one interval, if shorter). */
const firstPassMs = 60_000;

export class StaleRegrouper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly pass: () => Promise<StaleRegrouping>,
    private readonly everyMs: number,
    private readonly log: (line: string) => void = (line) => console.error(line),
  ) {}

  start(): void {
    if (this.everyMs > 0) this.schedule(Math.min(firstPassMs, this.everyMs));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce().finally(() => this.schedule(this.everyMs));
    }, delayMs);
    // A pending pass never keeps the process alive.
    this.timer.unref();
  }

  private async runOnce(): Promise<void> {
    try {
      const { checked, splits } = await this.pass();
      if (checked > 0) {
        this.log(
          `staleness: ${checked} persona(s) grouped by stale evidence checked, ${splits} person(s) split`,
        );
      }
    } catch (error) {
      this.log(`staleness: the pass failed (${(error as Error).message}); trying again in the next interval`);
    }
  }
}
