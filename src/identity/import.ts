// Bulk import for data engineers: events as JSON lines, in batches through the same ingest rules as
// the API, with progress as it goes. A line that is not a valid event is reported with its line number
// and reason; every other line lands.
import { coerceInputValue, type GraphQLInputType, type GraphQLSchema } from 'graphql';
import type { EventInput } from '../generated/graphql.js';
import type { IngestService } from './ingest.service.js';

export interface ImportRejection {
  line: number;
  id: string | null;
  code: string;
  message: string;
}

export interface ImportProgress {
  lines: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  ignoredIdentifiers: number;
  eventsPerSecond: number;
  /** Codes the taxonomy does not know yet (campaigns, assets, terms, fact keys): stored, to be mapped. */
  unmapped: { kind: string; code: string }[];
}

export interface ImportOptions {
  batchSize: number;
  onProgress?: (progress: ImportProgress) => void;
  onRejection?: (rejection: ImportRejection) => void;
}

/** Parses one line as the API would parse an EventInput (scalars, enums, required fields). */
export function parseEventLine(text: string, eventType: GraphQLInputType): EventInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON: ${(error as Error).message}`);
  }
  const problems: string[] = [];
  const event = coerceInputValue(value, eventType, (path, _invalid, error) => {
    problems.push(`${path.length ? `${path.join('.')}: ` : ''}${error.message}`);
  }) as EventInput;
  if (problems.length) throw new Error(problems.join('; '));
  return event;
}

export async function importEvents(
  lines: AsyncIterable<string>,
  schema: GraphQLSchema,
  ingest: Pick<IngestService, 'ingest'>,
  options: ImportOptions,
): Promise<ImportProgress> {
  const eventType = schema.getType('EventInput') as GraphQLInputType;
  const started = performance.now();
  const progress: ImportProgress = {
    lines: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    ignoredIdentifiers: 0,
    eventsPerSecond: 0,
    unmapped: [],
  };
  const unmapped = new Map<string, { kind: string; code: string }>();
  let batch: { line: number; event: EventInput }[] = [];
  const reject = (rejection: ImportRejection) => {
    progress.rejected++;
    options.onRejection?.(rejection);
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const result = await ingest.ingest(batch.map((b) => b.event));
    progress.accepted += result.accepted;
    progress.duplicates += result.duplicates;
    progress.ignoredIdentifiers += result.ignored.length;
    for (const u of result.unmapped) unmapped.set(`${u.kind}\u0000${u.code}`, { kind: u.kind, code: u.code });
    progress.unmapped = [...unmapped.values()].sort(
      (a, b) => a.kind.localeCompare(b.kind) || a.code.localeCompare(b.code),
    );
    for (const r of result.rejected)
      reject({ line: batch[r.index]!.line, id: r.id ?? null, code: r.code, message: r.message });
    batch = [];
    const seconds = (performance.now() - started) / 1000;
    progress.eventsPerSecond = Math.round(
      (progress.accepted + progress.duplicates) / Math.max(seconds, 0.001),
    );
    options.onProgress?.({ ...progress });
  };
  for await (const text of lines) {
    progress.lines++;
    if (text.trim() === '') continue;
    try {
      batch.push({ line: progress.lines, event: parseEventLine(text, eventType) });
    } catch (error) {
      const id = /"id"\s*:\s*"([^"]*)"/.exec(text)?.[1] ?? null;
      reject({ line: progress.lines, id, code: 'BAD_USER_INPUT', message: (error as Error).message });
    }
    if (batch.length >= options.batchSize) await flush();
  }
  await flush();
  return progress;
}
