#!/usr/bin/env node
// The idgraph command: serve, migrate, import, cypher, prune-changes. Every command opens the same graph the API uses.
import fs from 'node:fs';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { ChangesRepository } from '../changes/changes.repository.js';
import { pruneChanges } from '../changes/changes.retention.js';
import { ConfigError, loadConfig, type AppConfig } from '../config.js';
import { openDatabase, type Database } from '../graph/database.js';
import { migrate } from '../graph/migrations.js';
import { importEvents } from '../identity/import.js';
import { IngestService } from '../identity/ingest.service.js';
import { buildSchema } from '../schema.js';
import { startServer } from '../server.js';

const usage = `Usage: idgraph <command> [options]

Commands:
  serve [--demo]            run the GraphQL API (with --demo: load the demo data first)
  migrate                   apply the Cypher migrations in cypher/schema/ and exit
  import <file.jsonl>       load events, one JSON EventInput a line, through the ingest rules
                            (--batch N, default 500; --rejects FILE, default <file>.rejects.jsonl)
  cypher <statement>        run one Cypher statement (--params '{"k":1}', --read) and print JSON rows
  taxonomy load <file>      define campaigns, assets and terms from a CSV (kind,code,name,channel,campaign,
                            topics,vocabulary,broader) or a JSON file ({terms, factKeys, campaigns, assets,
                            questions}); definitions already in place are skipped
  prune-changes [--older-than-days N]
                            delete the change feed's changes sequenced more than N days ago
                            (default CHANGE_RETENTION_DAYS) and report how many

Without NEO4J_URI every command starts (and stops) the embedded Neo4j in NEO4J_HOME.`;

const log = (line: string) => console.error(line);

async function withDatabase<T>(config: AppConfig, work: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(config, log);
  try {
    await migrate(db.graph, log);
    return await work(db);
  } finally {
    await db.close();
  }
}

/** How long a service whose embedded database died keeps answering SERVICE_UNAVAILABLE before it exits. */
const lostGraceMs = 2000;

async function serve(config: AppConfig, loadDemo: boolean): Promise<void> {
  const db = await openDatabase(config, log);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping…`);
    try {
      await server?.stop();
    } finally {
      await db.close();
      process.exit(0);
    }
  };
  // The embedded Neo4j died under the service: requests already fail fast with SERVICE_UNAVAILABLE
  // and /health says 503; after a short grace (so load balancers see it) exit non-zero, for a
  // supervisor to restart the whole service with a fresh database process on the same store.
  db.onLost((description) => {
    if (stopping) return;
    stopping = true;
    log(`FATAL: ${description}`);
    log(`Requests fail with SERVICE_UNAVAILABLE; exiting with code 1 in ${lostGraceMs / 1000} s.`);
    setTimeout(() => {
      void (server?.stop() ?? Promise.resolve()).catch(() => undefined).finally(() => process.exit(1));
    }, lostGraceMs);
  });
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    await migrate(db.graph, log);
    if (loadDemo) {
      const { loadDemoData } = await import('./demo-data.js');
      await loadDemoData(db.graph, config, log);
    }
    server = await startServer({ config, graph: db.graph });
  } catch (error) {
    await db.close();
    throw error;
  }
  const health = await db.graph.read<{ version: string; edition: string }>('graph/server-info');
  log(`Neo4j ${health[0]?.version} ${health[0]?.edition} at ${db.uri}${db.embedded ? ' (embedded)' : ''}`);
  log(`GraphQL ready at ${server.url} (subscriptions: ${server.wsUrl})`);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case 'serve': {
      const { values } = parseArgs({ args: rest, options: { demo: { type: 'boolean', default: false } } });
      await serve(config, values.demo ?? false);
      return;
    }
    case 'migrate': {
      await withDatabase(config, async () => log('migrations are up to date'));
      return;
    }
    case 'import': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { batch: { type: 'string', default: '500' }, rejects: { type: 'string' } },
      });
      const file = positionals[0];
      if (!file) throw new Error('import needs a file: idgraph import events.jsonl');
      const batchSize = Math.min(Number(values.batch), config.limits.maxBatchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1)
        throw new Error('--batch must be a whole number from 1');
      const rejectsFile = values.rejects ?? `${file}.rejects.jsonl`;
      const input = fs.createReadStream(file, 'utf8');
      const rejects = fs.createWriteStream(rejectsFile);
      const summary = await withDatabase(config, (db) =>
        importEvents(
          readline.createInterface({ input, crlfDelay: Infinity }),
          buildSchema(),
          new IngestService(db.graph, config, 'import'),
          {
            batchSize,
            onRejection: (r) => rejects.write(`${JSON.stringify(r)}\n`),
            onProgress: (p) =>
              log(
                `${p.lines} lines: ${p.accepted} stored, ${p.duplicates} already there, ${p.rejected} rejected (${p.eventsPerSecond} events/s)`,
              ),
          },
        ),
      );
      await new Promise((resolve) => rejects.end(resolve));
      if (summary.rejected === 0) fs.rmSync(rejectsFile, { force: true });
      console.log(JSON.stringify({ ...summary, rejectsFile: summary.rejected ? rejectsFile : null }));
      return;
    }
    case 'cypher': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { params: { type: 'string', default: '{}' }, read: { type: 'boolean', default: false } },
      });
      const statement = positionals.join(' ');
      if (!statement)
        throw new Error('cypher needs a statement, e.g. idgraph cypher "MATCH (n) RETURN count(n)"');
      const params = JSON.parse(values.params ?? '{}') as Record<string, unknown>;
      await withDatabase(config, async (db) => {
        const rows = await db.graph.runText(statement, params, values.read ? 'READ' : 'WRITE');
        console.log(JSON.stringify(rows, null, 2));
      });
      return;
    }
    case 'taxonomy': {
      const [action, file] = rest;
      if (action !== 'load' || !file) throw new Error('usage: idgraph taxonomy load <file.csv|file.json>');
      const { loadTaxonomyFile } = await import('../profile/taxonomy-cli.js');
      const summary = await withDatabase(config, (db) => loadTaxonomyFile(db.graph, config, file));
      console.log(JSON.stringify(summary));
      if (summary.errors.length) process.exitCode = 1;
      return;
    }
    case 'prune-changes': {
      const { values } = parseArgs({ args: rest, options: { 'older-than-days': { type: 'string' } } });
      const raw = values['older-than-days'];
      const days = raw === undefined ? config.changes.retentionDays : Number(raw);
      if (!Number.isInteger(days) || days < 0) {
        throw new Error(`--older-than-days must be a whole number of days (0 or more), not "${raw}"`);
      }
      await withDatabase(config, async (db) => {
        const report = await pruneChanges(new ChangesRepository(db.graph), days);
        console.log(
          report.prunedThrough === null
            ? `pruned 0 changes: none was sequenced before ${report.cutoff} (older than ${days} days)`
            : `pruned ${report.pruned} changes sequenced before ${report.cutoff} (older than ${days} days); ` +
                `cursors up to ${report.prunedThrough} are no longer retained`,
        );
      });
      return;
    }
    default:
      console.error(usage);
      process.exitCode = command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const code = (error as { code?: string }).code;
  if (error instanceof ConfigError) console.error(error.message);
  else if (code === 'EADDRINUSE')
    console.error(`${(error as Error).message}: another process holds the port; set PORT`);
  else console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
