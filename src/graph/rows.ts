// Rows are checked where they enter: Graph returns rows of unknown shape (run.ts), and each repository
// parses a statement's rows with a zod schema here, so a renamed or missing property fails at once,
// naming the statement, not three layers later as undefined.
import { z } from 'zod';
import type { Graph, Tx } from './run.js';

export function parseRows<S extends z.ZodType>(statement: string, schema: S, rows: unknown[]): z.output<S>[] {
  const result = z.array(schema).safeParse(rows);
  if (!result.success) {
    throw new Error(
      `Rows of cypher/${statement}.cypher are not what the code expects:\n${z.prettifyError(result.error)}`,
    );
  }
  return result.data;
}

/**
 * A value stored as JSON text (a fact's value, an answer, audit details). Older ones may be plain
 * text: they are returned as they are rather than failing the read.
 */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A statement's rows in the caller's transaction, checked against its schema. */
export async function runChecked<S extends z.ZodType>(
  tx: Pick<Tx, 'run'>,
  statement: string,
  schema: S,
  params?: Record<string, unknown>,
): Promise<z.output<S>[]> {
  return parseRows(statement, schema, await tx.run(statement, params));
}

/** A statement's rows in a read transaction of its own, checked against its schema. */
export async function readChecked<S extends z.ZodType>(
  graph: Pick<Graph, 'read'>,
  statement: string,
  schema: S,
  params?: Record<string, unknown>,
): Promise<z.output<S>[]> {
  return parseRows(statement, schema, await graph.read(statement, params));
}

/** A statement's rows in a write transaction of its own, checked against its schema. */
export async function writeChecked<S extends z.ZodType>(
  graph: Pick<Graph, 'write'>,
  statement: string,
  schema: S,
  params?: Record<string, unknown>,
): Promise<z.output<S>[]> {
  return parseRows(statement, schema, await graph.write(statement, params));
}
