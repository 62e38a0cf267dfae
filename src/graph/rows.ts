// Rows are checked where they enter: each repository parses a statement's rows with a zod schema, so a
// renamed or missing property fails here, naming the statement, not three layers later as undefined.
import { z } from 'zod';

export function parseRows<S extends z.ZodType>(statement: string, schema: S, rows: unknown[]): z.output<S>[] {
  const result = z.array(schema).safeParse(rows);
  if (!result.success) {
    throw new Error(
      `Rows of cypher/${statement}.cypher are not what the code expects:\n${z.prettifyError(result.error)}`,
    );
  }
  return result.data;
}
