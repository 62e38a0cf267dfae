// Resuming an interrupted import: after each batch the importer records how far it got and its counts
// in a checkpoint file beside the input; before each batch, which of its events were stored already.
// Run again after a kill, it skips what was done, re-sends the batch that was in flight, and counts
// that batch as a clean run would have (events the killed run stored count as accepted, not duplicates).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';
import type { Graph } from '../graph/run.js';
import { IdentityRepository } from './identity.repository.js';
import type { IngestService } from './ingest.service.js';
import type { ImportProgress, ImportRejection } from './import.js';

const checkpointSchema = z.object({
  fingerprint: z.string(),
  batchSize: z.number(),
  lines: z.number(),
  accepted: z.number(),
  duplicates: z.number(),
  rejected: z.number(),
  ignoredIdentifiers: z.number(),
  unmapped: z.array(z.object({ kind: z.string(), code: z.string() })),
  pending: z.object({ firstId: z.string(), size: z.number(), storedBefore: z.array(z.string()) }).nullable(),
});
export type Checkpoint = z.infer<typeof checkpointSchema>;

/** Size, modification time and the first 64 KB: a changed input never resumes from an old checkpoint. */
export function fingerprint(file: string): string {
  const { size, mtimeMs } = fs.statSync(file);
  const head = Buffer.alloc(Math.min(size, 65_536));
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  return `${size}:${Math.round(mtimeMs)}:${createHash('sha256').update(head).digest('hex').slice(0, 16)}`;
}

/** Thrown for a checkpoint that exists but cannot be read: the operator decides, nothing restarts silently. */
export class CheckpointError extends Error {}

/** The checkpoint in `file`, or null when there is none. */
function readCheckpoint(file: string): Checkpoint | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CheckpointError(`The import checkpoint ${file} cannot be read (${(error as Error).message})`);
  }
  const damaged = (why: string) =>
    new CheckpointError(
      `The import checkpoint ${file} is damaged (${why}): run again with --restart to import from the ` +
        'beginning (events already stored count as duplicates), or restore the file',
    );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw damaged((error as Error).message);
  }
  const parsed = checkpointSchema.safeParse(json);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    throw damaged(issue ? `${issue.path.join('.') || 'the file'}: ${issue.message}` : 'not a checkpoint');
  }
  return parsed.data;
}

export class ImportCheckpoint {
  private state: Checkpoint;
  readonly resumed: Checkpoint | null;

  constructor(
    readonly file: string,
    input: string,
    batchSize: number,
  ) {
    const print = fingerprint(input);
    const previous = readCheckpoint(file);
    // A checkpoint of another version of the input never resumes: that file starts from the beginning.
    this.resumed = previous?.fingerprint === print ? previous : null;
    this.state = this.resumed ?? {
      fingerprint: print,
      batchSize,
      lines: 0,
      accepted: 0,
      duplicates: 0,
      rejected: 0,
      ignoredIdentifiers: 0,
      unmapped: [],
      pending: null,
    };
  }

  /** The batch size to use: a resumed import keeps its own, so its batches line up with the killed run's. */
  get batchSize(): number {
    return this.state.batchSize;
  }

  /** Lines the previous runs finished: the resumed import reads them as blank lines. */
  async *skipDone(lines: AsyncIterable<string>): AsyncGenerator<string> {
    let n = 0;
    for await (const line of lines) yield ++n <= (this.resumed?.lines ?? 0) ? '' : line;
  }

  /** Keeps the rejects of finished lines only: the lines after them are read, and rejected, again. */
  trimRejects(rejectsFile: string): void {
    if (!this.resumed || !fs.existsSync(rejectsFile)) return;
    const kept = fs
      .readFileSync(rejectsFile, 'utf8')
      .split('\n')
      .filter((l) => l && (JSON.parse(l) as ImportRejection).line <= this.resumed!.lines);
    fs.writeFileSync(rejectsFile, kept.map((l) => `${l}\n`).join(''));
  }

  private write(): void {
    fs.writeFileSync(`${this.file}.tmp`, JSON.stringify(this.state));
    fs.renameSync(`${this.file}.tmp`, this.file);
  }

  /** Wraps ingest: records each batch as pending before it is sent, and recounts a resumed pending batch. */
  wrap(ingest: Pick<IngestService, 'ingest'>, graph: Graph): Pick<IngestService, 'ingest'> {
    return {
      ingest: async (events) => {
        const ids = events.map((e) => e.id);
        const pending = this.state.pending;
        const isResumedBatch = pending !== null && pending.firstId === ids[0] && pending.size === ids.length;
        const storedBefore = isResumedBatch
          ? new Set(pending.storedBefore)
          : await new IdentityRepository(graph).existingEventIds(ids);
        this.state.pending = { firstId: ids[0] ?? '', size: ids.length, storedBefore: [...storedBefore] };
        this.write();
        const result = await ingest.ingest(events);
        if (!isResumedBatch) return result;
        // Part of this batch may have been stored by the killed run: count it as the clean run would.
        const rejected = new Set(result.rejected.map((r) => r.index));
        const seen = new Set<string>();
        let accepted = 0;
        events.forEach((event, index) => {
          if (rejected.has(index)) return;
          if (!storedBefore.has(event.id) && !seen.has(event.id)) accepted++;
          seen.add(event.id);
        });
        return { ...result, accepted, duplicates: events.length - rejected.size - accepted };
      },
    };
  }

  /** After a batch: how far the import got, with the counts of every run so far. */
  done(progress: ImportProgress): ImportProgress {
    const total = this.total(progress);
    this.state = { ...this.state, ...total, lines: progress.lines, pending: null };
    this.write();
    return total;
  }

  /** This run's progress plus what the earlier runs had done. */
  total(progress: ImportProgress): ImportProgress {
    const before = this.resumed;
    if (!before) return progress;
    const unmapped = new Map(
      [...before.unmapped, ...progress.unmapped].map((u) => [`${u.kind}\u0000${u.code}`, u]),
    );
    return {
      ...progress,
      accepted: before.accepted + progress.accepted,
      duplicates: before.duplicates + progress.duplicates,
      rejected: before.rejected + progress.rejected,
      ignoredIdentifiers: before.ignoredIdentifiers + progress.ignoredIdentifiers,
      unmapped: [...unmapped.values()].sort(
        (a, b) => a.kind.localeCompare(b.kind) || a.code.localeCompare(b.code),
      ),
    };
  }

  /** The import finished: nothing to resume. */
  remove(): void {
    fs.rmSync(this.file, { force: true });
  }
}
