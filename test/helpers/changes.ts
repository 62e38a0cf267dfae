// Writes changes the way the identity core does (recordChanges in a write transaction), and follows
// the feed as an integrator would: a real graphql-ws client over WebSocket.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { ChangeInput, ChangeType } from '../../src/outbox/outbox.model.js';
import { recordChanges } from '../../src/outbox/outbox.js';
import type { Graph } from '../../src/graph/run.js';

export interface ChangeEvent {
  cursor: string;
  type: ChangeType;
  at: string;
  personaIds: string[];
  personIds: string[];
  data: { tag?: string; n?: number } & Record<string, unknown>;
}

export const changeFields = /* GraphQL */ `
  fragment ChangeFields on Change {
    cursor
    type
    at
    personaIds
    personIds
    data
  }
`;

/** A change for one persona, tagged so a test can find its own changes in the shared feed. */
export function change(
  tag: string,
  n: number,
  personaId = `${tag}-persona`,
  type: ChangeType = 'FACT_RECORDED',
) {
  return {
    type,
    personaIds: [personaId],
    personIds: [`${tag}-person`],
    data: { tag, n },
  } satisfies ChangeInput;
}

/** Records changes in one committed write transaction. */
export function recordCommitted(graph: Graph, changes: ChangeInput[]): Promise<void> {
  return graph.writeTx('test/record-changes', (tx) => recordChanges(tx, changes));
}

export class RolledBack extends Error {}

/** Records changes, then fails the transaction: none of them may ever reach the feed. */
export async function recordRolledBack(graph: Graph, changes: ChangeInput[]): Promise<void> {
  await expect(
    graph.writeTx('test/record-then-fail', async (tx) => {
      await recordChanges(tx, changes);
      throw new RolledBack('the write failed after recording its changes');
    }),
  ).rejects.toBeInstanceOf(RolledBack);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One graphql-ws subscription that collects what it receives. */
export class TestSubscriber {
  readonly changes: ChangeEvent[] = [];
  readonly errors: unknown[] = [];
  isComplete = false;
  private readonly client: Client;
  private readonly listeners = new Set<() => void>();

  constructor(
    wsUrl: string,
    query: string,
    variables: Record<string, unknown>,
    options: { key?: string } = {},
  ) {
    this.client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: options.key ? { authorization: `Bearer ${options.key}` } : undefined,
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: (error) => this.fail(error),
    });
    this.client.subscribe<Record<string, ChangeEvent>>(
      { query, variables },
      {
        next: (result) => {
          if (result.errors) this.errors.push(...result.errors);
          const event = result.data && Object.values(result.data)[0];
          if (event) this.changes.push(event);
          this.notify();
        },
        error: (error) => this.fail(error),
        complete: () => {
          this.isComplete = true;
          this.notify();
        },
      },
    );
  }

  /** Changes received whose data carries this tag. */
  tagged(tag: string): ChangeEvent[] {
    return this.changes.filter((c) => c.data?.tag === tag);
  }

  /** Resolves once the predicate holds; fails with what was received if it does not in time. */
  waitUntil(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (predicate()) {
          done();
          resolve();
        } else if (this.errors.length > 0) {
          done();
          reject(new Error(`subscription failed while waiting for ${what}: ${JSON.stringify(this.errors)}`));
        } else if (this.isComplete) {
          done();
          reject(new Error(`subscription completed while waiting for ${what}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${what}; received ${this.changes.length} change(s)`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  waitForTagged(tag: string, count: number, timeoutMs?: number): Promise<void> {
    return this.waitUntil(
      () => this.tagged(tag).length >= count,
      `${count} change(s) tagged ${tag}`,
      timeoutMs,
    );
  }

  /** Waits for the first error the subscription reports. */
  async firstError(): Promise<{ message: string; extensions?: Record<string, unknown> }> {
    await this.waitUntil(() => this.errors.length > 0 || this.isComplete, 'an error').catch(() => undefined);
    return this.errors[0] as { message: string; extensions?: Record<string, unknown> };
  }

  /** Disconnects, as a client whose network dropped would. */
  async close(): Promise<void> {
    await this.client.dispose();
  }

  private fail(error: unknown) {
    if (Array.isArray(error)) this.errors.push(...(error as unknown[]));
    else this.errors.push(error instanceof Error ? error.message : error);
    this.notify();
  }

  private notify() {
    for (const listener of [...this.listeners]) listener();
  }
}

export const changesSubscription = /* GraphQL */ `
  subscription Changes($after: String, $types: [ChangeType!]) {
    changes(after: $after, types: $types) {
      ...ChangeFields
    }
  }
  ${changeFields}
`;

export const profileChangedSubscription = /* GraphQL */ `
  subscription Profile($personaId: ID, $personId: ID, $after: String) {
    profileChanged(personaId: $personaId, personId: $personId, after: $after) {
      ...ChangeFields
    }
  }
  ${changeFields}
`;

/** Cursors are opaque to clients, but a test may check they only ever grow. */
export function expectIncreasingCursors(changes: ChangeEvent[]): void {
  for (let i = 1; i < changes.length; i++) {
    expect(BigInt(changes[i]!.cursor)).toBeGreaterThan(BigInt(changes[i - 1]!.cursor));
  }
}
