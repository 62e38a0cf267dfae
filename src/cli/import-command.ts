// `idgraph import`: JSON lines, or CSV with a column mapping, through the ingest rules in batches; a
// progress bar (or periodic lines), a rejects file, and a checkpoint that lets a killed import resume.
import fs from 'node:fs';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import type { AppConfig } from '../config.js';
import type { Database } from '../graph/database.js';
import { progressReporter } from './progress.js';

export const importUsage = `import <file.jsonl | file.csv --mapping map.json>
                            load events through the ingest rules: one JSON EventInput a line, or CSV
                            records mapped by a mapping file (examples/import/); --batch N (default 500),
                            --rejects FILE (default <file>.rejects.jsonl); a killed import resumes from
                            <file>.checkpoint.json when run again (--restart ignores it); --bulk: into an
                            empty embedded store through Neo4j's offline importer, the same graph, faster`;

type WithDatabase = <T>(
  config: AppConfig,
  work: (db: Database) => Promise<T>,
  options?: { attachRunning?: boolean },
) => Promise<T>;

export async function importCommand(
  args: string[],
  config: AppConfig,
  withDatabase: WithDatabase,
  log: (line: string) => void,
): Promise<void> {
  const options = parseImportArgs(args, config);
  if (options.bulk) return bulkImportCommand(options, config, withDatabase, log);
  const { file, rejectsFile, checkpointFile } = options;
  if (options.restart) fs.rmSync(checkpointFile, { force: true });
  const modules = await loadImportModules();
  const { importEvents, IngestService, ProfileIngest, buildSchema, ImportCheckpoint, csv } = modules;
  const mapping = options.mapping ? csv.loadMapping(options.mapping) : null;
  const checkpoint = new ImportCheckpoint(checkpointFile, file, options.batchSize);
  if (checkpoint.resumed) {
    log(`Resuming after line ${checkpoint.resumed.lines} (${checkpointFile}; --restart to start over)`);
    checkpoint.trimRejects(rejectsFile);
  }

  const input = fs.createReadStream(file, 'utf8');
  // Opened only once the database is: a readline interface starts reading at once, and lines read
  // before anyone iterates them are lost (the import then waits for them forever).
  const openLines = () =>
    mapping ? csv.csvAsEventLines(input, mapping) : readline.createInterface({ input, crlfDelay: Infinity });
  const rejects = rejectsWriter(rejectsFile, Boolean(checkpoint.resumed));
  const progress = progressReporter({
    totalBytes: fs.statSync(file).size,
    bytesRead: () => input.bytesRead,
    stream: process.stderr,
  });

  const run = await withDatabase(
    config,
    (db) =>
      importEvents(
        checkpoint.skipDone(openLines()),
        buildSchema(),
        checkpoint.wrap(new IngestService(db.graph, config, new ProfileIngest(db.graph), 'import'), db.graph),
        {
          batchSize: checkpoint.batchSize,
          onRejection: (r) => rejects.write(`${JSON.stringify(r)}\n`),
          onProgress: (p) => progress.update(checkpoint.done(p)),
        },
      ),
    { attachRunning: true },
  );
  const summary = checkpoint.total(run);
  progress.finish(summary);
  checkpoint.remove();
  await rejects.close();
  reportImport(summary, rejectsFile, log);
}

/** The command line, checked before anything is opened. */
function parseImportArgs(args: string[], config: AppConfig) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      batch: { type: 'string', default: '500' },
      rejects: { type: 'string' },
      mapping: { type: 'string' },
      restart: { type: 'boolean', default: false },
      bulk: { type: 'boolean', default: false },
    },
  });
  const file = positionals[0];
  if (!file) throw new Error('import needs a file: idgraph import events.jsonl');
  if (!fs.existsSync(file)) throw new Error(`no such file: ${file}`);
  const isCsv = Boolean(values.mapping) || file.toLowerCase().endsWith('.csv');
  if (isCsv && !values.mapping)
    throw new Error('a CSV file needs --mapping <file.json> (see examples/import/)');
  const batchSize = Math.min(Number(values.batch), config.limits.maxBatchSize);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('--batch must be a whole number from 1');
  return {
    file,
    mapping: values.mapping,
    batchSize,
    rejectsFile: values.rejects ?? `${file}.rejects.jsonl`,
    checkpointFile: `${file}.checkpoint.json`,
    restart: values.restart,
    bulk: values.bulk,
  };
}

/** Loaded when an import runs: the other commands do not pay for the ingest and the schema. */
async function loadImportModules() {
  const [{ importEvents }, { IngestService }, { ProfileIngest }, { buildSchema }, { ImportCheckpoint }, csv] =
    await Promise.all([
      import('../identity/import.js'),
      import('../identity/ingest.service.js'),
      import('../profile/profile.ingest.js'),
      import('../schema.js'),
      import('../identity/import-checkpoint.js'),
      import('../identity/import-csv.js'),
    ]);
  return { importEvents, IngestService, ProfileIngest, buildSchema, ImportCheckpoint, csv };
}

/**
 * `--bulk`: the same reading, rules, rejects and progress, into an empty store through Neo4j's offline
 * importer (./bulk-import-command.ts); all or nothing, so no checkpoint.
 */
async function bulkImportCommand(
  options: ReturnType<typeof parseImportArgs>,
  config: AppConfig,
  withDatabase: WithDatabase,
  log: (line: string) => void,
): Promise<void> {
  const [{ bulkImport }, csv] = await Promise.all([
    import('./bulk-import-command.js'),
    import('../identity/import-csv.js'),
  ]);
  const mapping = options.mapping ? csv.loadMapping(options.mapping) : null;
  const input = fs.createReadStream(options.file, 'utf8');
  const rejects = rejectsWriter(options.rejectsFile, false);
  const progress = progressReporter({
    totalBytes: fs.statSync(options.file).size,
    bytesRead: () => input.bytesRead,
    stream: process.stderr,
  });
  const summary = await bulkImport(
    config,
    withDatabase,
    {
      batchSize: options.batchSize,
      openLines: () =>
        mapping
          ? csv.csvAsEventLines(input, mapping)
          : readline.createInterface({ input, crlfDelay: Infinity }),
      onRejection: (r) => rejects.write(`${JSON.stringify(r)}\n`),
      onProgress: (p) => progress.update(p),
    },
    log,
  );
  progress.finish(summary);
  await rejects.close();
  reportImport(summary, options.rejectsFile, log);
}

/** Opened at the first rejection (appending when resuming): a run that fails early leaves no empty file. */
function rejectsWriter(rejectsFile: string, append: boolean) {
  let stream: fs.WriteStream | undefined;
  return {
    write: (text: string) =>
      (stream ??= fs.createWriteStream(rejectsFile, { flags: append ? 'a' : 'w' })).write(text),
    close: () => new Promise<void>((resolve) => (stream ? stream.end(resolve) : resolve())),
  };
}

function reportImport(
  summary: { rejected: number; unmapped: { kind: string; code: string }[] },
  rejectsFile: string,
  log: (line: string) => void,
): void {
  if (summary.rejected === 0) fs.rmSync(rejectsFile, { force: true });
  if (summary.unmapped.length) {
    log(
      `unmapped codes, stored and waiting for a mapping: ${summary.unmapped.map((u) => `${u.kind} ${u.code}`).join(', ')}`,
    );
  }
  console.log(JSON.stringify({ ...summary, rejectsFile: summary.rejected ? rejectsFile : null }));
}
