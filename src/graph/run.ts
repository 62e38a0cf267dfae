// The only caller of the driver: routes reads and writes (executeRead/executeWrite; for one statement
// an auto-commit read, handed to executeQuery when it needs a retry, or executeQuery for a write), so
// a cluster's routing and the driver's retries work; names every query from cypher/, converts
// values, and maps driver errors to ours in one place.
import { EventEmitter } from 'node:events';
import neo4j, {
  type Driver,
  isRetryableError,
  type ManagedTransaction,
  Neo4jError,
  type Record as Neo4jRecord,
} from 'neo4j-driver';
import { serviceUnavailable } from '../errors.js';
import { Availability } from './availability.js';
import type { CypherCatalog } from './cypher-files.js';
import { fromNeo4j, toNeo4j } from './convert.js';

/**
 * A row as the driver gave it: nothing about its properties is known until a repository parses it
 * (src/graph/rows.ts), so no caller can claim a shape by naming a type.
 */
export type Row = Record<string, unknown>;

/** A transaction that runs named statements only: no Cypher text is built outside cypher/. */
export interface Tx {
  run(query: string, params?: Record<string, unknown>): Promise<Row[]>;
  /**
   * Emits `topic` on `Graph.committed` once this transaction has committed; never on rollback, and
   * once however often a retried transaction asked. (The change feed uses it to sequence at once.)
   */
  afterCommit?(topic: string): void;
}

/** Counts database round trips, e.g. per GraphQL request. */
export interface QueryObserver {
  onQuery(name: string): void;
}

/** A record's values as plain JavaScript (convert.ts): an object keyed by the statement's columns. */
const toRow = (record: Neo4jRecord): Row => fromNeo4j(record.toObject()) as Row;

const unavailableCodes = new Set(['ServiceUnavailable', 'SessionExpired']);

function mapDriverError(error: unknown): unknown {
  if (error instanceof Neo4jError && unavailableCodes.has(error.code)) {
    return serviceUnavailable('The graph database is unavailable; try again shortly.');
  }
  return error;
}

export class Graph {
  constructor(
    private readonly driver: Driver,
    private readonly catalog: CypherCatalog,
    private readonly database?: string,
    /**
     * Chain every session's bookmarks (read-your-writes across a cluster's members). Off for a single
     * server, where it only costs time (about 1.5 ms a transaction, measured here).
     */
    private readonly causal = false,
    private readonly observer?: QueryObserver,
    /** Post-commit notices (see Tx.afterCommit), shared by every observed copy of this graph. */
    readonly committed: EventEmitter = new EventEmitter().setMaxListeners(0),
    /** Shared by every observed copy: see markUnavailable. */
    private readonly availability = new Availability(),
  ) {}

  /** From now on every query fails at once with SERVICE_UNAVAILABLE (the database process died). */
  markUnavailable(reason: string): void {
    this.availability.markDown(reason);
  }

  /** The same graph, reporting each statement to an observer (per-request round-trip counts). */
  observedBy(observer: QueryObserver): Graph {
    return new Graph(
      this.driver,
      this.catalog,
      this.database,
      this.causal,
      observer,
      this.committed,
      this.availability,
    );
  }

  statement(name: string): string {
    const text = this.catalog[name];
    if (!text) throw new Error(`No Cypher statement named '${name}' in cypher/`);
    return text;
  }

  statementNames(): string[] {
    return Object.keys(this.catalog);
  }

  private openSession(mode: 'READ' | 'WRITE') {
    return this.driver.session({
      database: this.database,
      defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE,
      // Shared by every session of this driver: on a cluster, a read after a write sees that write.
      bookmarkManager: this.causal ? this.driver.executeQueryBookmarkManager : undefined,
    });
  }

  private wrap(tx: ManagedTransaction, topics: Set<string>): Tx {
    return {
      afterCommit: (topic: string) => void topics.add(topic),
      run: async (name: string, params: Record<string, unknown> = {}) => {
        const text = this.statement(name);
        this.observer?.onQuery(name);
        const result = await tx.run(text, toNeo4j(params) as Record<string, unknown>);
        return result.records.map(toRow);
      },
    };
  }

  private async session<T>(
    mode: 'READ' | 'WRITE',
    operation: string,
    work: (tx: Tx) => Promise<T>,
  ): Promise<T> {
    if (this.availability.isDown) throw this.availability.error();
    const session = this.openSession(mode);
    const config = { metadata: { app: 'identity-graph', operation } };
    // Only the attempt that committed counts: a retried attempt starts with no topics.
    let topics = new Set<string>();
    const attempt = (tx: ManagedTransaction) => {
      topics = new Set<string>();
      return work(this.wrap(tx, topics));
    };
    try {
      const result = await this.availability.guard(
        mode === 'READ' ? session.executeRead(attempt, config) : session.executeWrite(attempt, config),
      );
      for (const topic of topics) this.committed.emit(topic);
      return result;
    } catch (error) {
      throw mapDriverError(error);
    } finally {
      // A session whose database vanished may never close: do not wait for it then.
      if (this.availability.isDown) void session.close().catch(() => undefined);
      else await session.close();
    }
  }

  /** Runs work in one read transaction; it may be retried, so it must have no side effects outside it. */
  readTx<T>(operation: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.session('READ', operation, work);
  }

  /** Runs work in one write transaction; it may be retried, so it must be idempotent. */
  writeTx<T>(operation: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.session('WRITE', operation, work);
  }

  /** One statement in its own read transaction (retried like readTx). */
  read(name: string, params: Record<string, unknown> = {}): Promise<Row[]> {
    return this.single('READ', name, params);
  }

  /** One statement in its own write transaction (retried like writeTx: it must be idempotent). */
  write(name: string, params: Record<string, unknown> = {}): Promise<Row[]> {
    return this.single('WRITE', name, params);
  }

  /**
   * A one-statement transaction. A read is first sent as an auto-commit transaction in a READ session
   * (routed to a cluster's readers): the statement and its commit are one round trip. A managed
   * transaction costs a COMMIT of its own, which profile-resolve measured at 1.7x the latency and
   * 1.6x Neo4j's CPU of the same read. The driver retries managed transactions only, so a read that
   * failed with an error it would retry (a member that left, a leader switch, a transient lock) is
   * handed to driver.executeQuery, whose own retry loop takes it from there. A write always goes
   * through executeQuery: BEGIN with the statement, retried by the driver.
   */
  private async single(
    mode: 'READ' | 'WRITE',
    name: string,
    params: Record<string, unknown>,
  ): Promise<Row[]> {
    if (this.availability.isDown) throw this.availability.error();
    const text = this.statement(name);
    const values = toNeo4j(params) as Record<string, unknown>;
    const metadata = { app: 'identity-graph', operation: name };
    this.observer?.onQuery(name);
    try {
      if (mode === 'READ') {
        try {
          return (await this.availability.guard(this.autoCommitRead(text, values, metadata))).map(toRow);
        } catch (error) {
          if (!isRetryableError(error) || this.availability.isDown) throw error;
        }
      }
      const result = await this.availability.guard(
        this.driver.executeQuery(text, values, {
          routing: mode === 'READ' ? neo4j.routing.READ : neo4j.routing.WRITE,
          database: this.database,
          // null, not undefined: executeQuery would otherwise chain bookmarks even on a single server.
          bookmarkManager: this.causal ? this.driver.executeQueryBookmarkManager : null,
          transactionConfig: { metadata },
        }),
      );
      return result.records.map(toRow);
    } catch (error) {
      throw mapDriverError(error);
    }
  }

  private async autoCommitRead(text: string, values: Record<string, unknown>, metadata: object) {
    const session = this.openSession('READ');
    try {
      return (await session.run(text, values, { metadata })).records;
    } finally {
      // A session whose database vanished may never close: do not wait for it then.
      if (this.availability.isDown) void session.close().catch(() => undefined);
      else await session.close();
    }
  }

  /**
   * The data engineer's `idgraph cypher`: text that is not in the catalog, in a managed read
   * transaction (a write in it fails) unless they asked to write; returns the columns in order too.
   */
  async runTextTx(text: string, params: Record<string, unknown>, mode: 'READ' | 'WRITE') {
    const session = this.openSession(mode);
    const work = async (tx: ManagedTransaction) => {
      const result = tx.run(text, toNeo4j(params) as Record<string, unknown>);
      const columns = (await result.keys()).map(String);
      const { records } = await result;
      return { columns, rows: records.map(toRow) };
    };
    const config = { metadata: { app: 'identity-graph', operation: 'idgraph cypher' } };
    try {
      return mode === 'READ'
        ? await session.executeRead(work, config)
        : await session.executeWrite(work, config);
    } catch (error) {
      throw mapDriverError(error);
    } finally {
      await session.close();
    }
  }

  /**
   * Runs a catalog statement in an auto-commit transaction: the only kind that may hold
   * `CALL { … } IN TRANSACTIONS`, so a statement over the whole graph commits batch by batch instead of
   * holding a million rows in one transaction. It is not retried: it must be safe to run again.
   */
  async batched(name: string, params: Record<string, unknown> = {}): Promise<Row[]> {
    if (this.availability.isDown) throw this.availability.error();
    const text = this.statement(name);
    this.observer?.onQuery(name);
    const session = this.openSession('WRITE');
    try {
      const result = await this.availability.guard(
        session.run(text, toNeo4j(params) as Record<string, unknown>),
      );
      return result.records.map(toRow);
    } catch (error) {
      throw mapDriverError(error);
    } finally {
      await session.close();
    }
  }

  /** Runs text that is not in the catalog: migrations and the data engineer's `idgraph cypher`. */
  async runText(text: string, params: Record<string, unknown> = {}, mode: 'READ' | 'WRITE' = 'WRITE') {
    if (this.availability.isDown) throw this.availability.error();
    const session = this.openSession(mode);
    try {
      const result = await session.run(text, toNeo4j(params) as Record<string, unknown>);
      return result.records.map(toRow);
    } catch (error) {
      throw mapDriverError(error);
    } finally {
      await session.close();
    }
  }
}
