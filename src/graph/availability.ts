// Whether the graph can answer at all. Once the database is known to be gone (the embedded Neo4j's
// process exited), every query fails at once with SERVICE_UNAVAILABLE, and queries already waiting
// fail too, instead of each waiting out the driver's 30 s retry window.
import { serviceUnavailable } from '../errors.js';

export class Availability {
  private reason?: string;
  /** The queries waiting now: each is failed when the database goes down. */
  private readonly waiting = new Set<() => void>();

  get isDown(): boolean {
    return this.reason !== undefined;
  }

  markDown(reason: string): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    for (const fail of [...this.waiting]) fail();
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
    // A listener per query, removed when it settles: nothing accumulates over the service's life.
    return new Promise<T>((resolve, reject) => {
      const fail = () => {
        work.catch(() => undefined);
        reject(this.error());
      };
      this.waiting.add(fail);
      work.then(resolve, reject).finally(() => this.waiting.delete(fail));
    });
  }
}
