// Whether the graph can answer at all. Once the database is known to be gone (the embedded Neo4j's
// process exited), every query fails at once with SERVICE_UNAVAILABLE, and queries already waiting
// fail too, instead of each waiting out the driver's 30 s retry window.
import { serviceUnavailable } from '../errors.js';

export class Availability {
  private reason?: string;
  private lost?: Promise<never>;
  private reject?: (error: Error) => void;

  get isDown(): boolean {
    return this.reason !== undefined;
  }

  markDown(reason: string): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    this.reject?.(this.error());
  }

  error(): Error {
    return serviceUnavailable(`The graph database is unavailable: ${this.reason ?? 'unknown'}`);
  }

  /** The work's result, or SERVICE_UNAVAILABLE as soon as the database is marked down. */
  guard<T>(work: Promise<T>): Promise<T> {
    if (this.reason !== undefined) {
      work.catch(() => undefined);
      return Promise.reject(this.error());
    }
    this.lost ??= new Promise<never>((_, reject) => {
      this.reject = reject;
    });
    // Nobody may be racing it when it rejects: that must not count as an unhandled rejection.
    this.lost.catch(() => undefined);
    return Promise.race([work, this.lost]);
  }
}
