#!/usr/bin/env node
// The idgraph command: serve, migrate, import, cypher, prune-changes. Every command opens the same graph the API uses.
import fs from 'node:fs';
import net from 'node:net';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type AppConfig } from '../config.js';
import path from 'node:path';
import { openDatabase, storeInUse, type Database } from '../graph/database.js';
import { HealthService } from '../graph/graph.service.js';
import { migrate } from '../graph/migrations.js';
import { cypherCommand, cypherUsage } from './cypher-command.js';
import { importCommand, importUsage } from './import-command.js';
import { kafkaCommand, kafkaUsage, startDemoKafka } from './kafka-command.js';
// The server, the schema and the ingest rules are imported by the commands that need them, so
// `idgraph cypher` starts in a fraction of a second.

const usage = `Usage: idgraph <command> [options]

Commands:
  serve [--demo] [--reset] [--kafka]
                            run the GraphQL API (with --demo: load the demo data first; with --reset:
                            empty the embedded store first, e.g. to bring the demo back to its README state;
                            with --kafka: start a Kafka beside it, publish the changes there and log them)
  migrate                   apply the Cypher migrations in cypher/schema/ and exit
  ${importUsage}
  ${cypherUsage}
  taxonomy load <file>      define campaigns, assets and terms from a CSV (kind,code,name,channel,campaign,
                            topics,vocabulary,broader) or a JSON file ({terms, factKeys, campaigns, assets,
                            questions}); definitions already in place are skipped
  score                     compute engagement scores, interests and ranks (what computeScores does),
                            incrementally: only personas with events since the last run
  suggest [--train]         a whole link suggestion pass (what suggestLinks does; with --train, or when the
                            model was never trained, training first), with progress lines and a summary
  export --person <id> | --persona <id or key> [--out FILE]
                            everything held about a person or persona as one JSON document (the
                            exportPerson/exportPersona answer), to stdout or FILE
  regroup --stale            undo the groupings whose only glue is WEAK evidence gone stale (what serve
                            does every STALE_REGROUP_HOURS), with progress lines and a summary
  prune-changes [--older-than-days N]
                            delete the change feed's changes sequenced more than N days ago
                            (default CHANGE_RETENTION_DAYS) and report how many
  ${kafkaUsage}

Without NEO4J_URI every command but serve and migrate uses the embedded Neo4j a running service
started in NEO4J_HOME (it publishes its Bolt address in the store), or starts (and stops) its own there.`;

const log = (line: string) => console.error(line);

async function withDatabase<T>(
  config: AppConfig,
  work: (db: Database) => Promise<T>,
  options: { attachRunning?: boolean } = {},
): Promise<T> {
  const db = await openDatabase(config, log, options);
  try {
    // The running service applied its migrations when it started.
    if (!db.attached) await migrate(db.graph, log);
    return await work(db);
  } finally {
    await db.close();
  }
}

/** How long a service whose embedded database died keeps answering SERVICE_UNAVAILABLE before it exits. */
const lostGraceMs = 2000;

/**
 * The error listening on the port would give, or null when it is free. Asked before the database
 * starts, which takes tens of seconds, so a taken port fails at once; the listen itself still decides.
 */
function portProblem(port: number, host: string): Promise<Error | null> {
  if (port === 0) return Promise.resolve(null);
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', resolve);
    probe.listen(port, host, () => probe.close(() => resolve(null)));
  });
}

/**
 * Empties the embedded store: the database folders Neo4j writes in NEO4J_HOME, nothing else there.
 * Refused while a service uses the store, and for a database this project does not own (NEO4J_URI).
 */
async function resetStore(config: AppConfig): Promise<void> {
  if (config.neo4j.uri) {
    throw new Error('--reset empties the embedded store; with NEO4J_URI set, clear that database yourself');
  }
  if (await storeInUse(config)) {
    throw new Error(
      `A running service uses the store ${config.neo4j.home}: stop it, then start again with --reset`,
    );
  }
  for (const folder of ['data', 'logs']) {
    fs.rmSync(path.join(config.neo4j.home, folder), { recursive: true, force: true });
  }
  log(`--reset: emptied the store ${config.neo4j.home}`);
}

function warnAboutDevelopmentSettings(config: AppConfig): void {
  if (config.privacy.developmentErasureSecret) {
    log(
      'warning: ERASURE_SECRET is unset: erased identifiers are hashed with the published local key (set it in production)',
    );
  }
}

async function serve(
  given: AppConfig,
  options: { demo: boolean; reset: boolean; kafka: boolean },
): Promise<void> {
  const portTaken = await portProblem(given.http.port, given.http.host);
  if (portTaken) throw portTaken;
  if (options.reset) await resetStore(given);
  const demoKafka = options.kafka ? await startDemoKafka(given, log) : undefined;
  const config = demoKafka?.config ?? given;
  const loadDemo = options.demo;
  const { startServer } = await import('../server.js');
  warnAboutDevelopmentSettings(config);
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
      await demoKafka?.stop();
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
      // Scores, interests and ranks for the demo's segment and the engagement examples of docs/use-cases.md.
      const { operatorServices } = await import('./operator.js');
      const run = await operatorServices(db.graph, config, 'demo').engagement.computeScores();
      log(`engagement scored: ${run.personas} persona(s)`);
    }
    server = await startServer({ config, graph: db.graph });
  } catch (error) {
    await db.close();
    await demoKafka?.stop();
    throw error;
  }
  const health = await new HealthService(db.graph).health();
  log(`Neo4j ${health.version} ${health.edition} at ${db.uri}${db.embedded ? ' (embedded)' : ''}`);
  log(`GraphQL ready at ${server.url} (subscriptions: ${server.wsUrl})`);
  await demoKafka?.watch();
}

type Command = (rest: string[], config: AppConfig) => Promise<void>;

/** A command that reads or writes through a running service's database when there is one. */
const attached = { attachRunning: true };

const commands: Record<string, Command> = {
  async serve(rest, config) {
    const { values } = parseArgs({
      args: rest,
      options: {
        demo: { type: 'boolean', default: false },
        reset: { type: 'boolean', default: false },
        kafka: { type: 'boolean', default: false },
      },
    });
    await serve(config, {
      demo: values.demo ?? false,
      reset: values.reset ?? false,
      kafka: values.kafka ?? false,
    });
  },

  async migrate(_rest, config) {
    await withDatabase(config, async () => log('migrations are up to date'));
  },

  async import(rest, config) {
    await importCommand(rest, config, withDatabase, log);
  },

  async cypher(rest, config) {
    const command = cypherCommand(rest);
    await withDatabase(config, (db) => command.run(db.graph, (text) => console.log(text)), attached);
  },

  async score(_rest, config) {
    const { operatorServices } = await import('./operator.js');
    const run = await withDatabase(
      config,
      (db) => operatorServices(db.graph, config, 'cli').engagement.computeScores(),
      attached,
    );
    console.log(JSON.stringify(run));
  },

  async suggest(rest, config) {
    const { values } = parseArgs({ args: rest, options: { train: { type: 'boolean', default: false } } });
    const { operatorServices } = await import('./operator.js');
    const run = await withDatabase(
      config,
      (db) => operatorServices(db.graph, config, 'cli').matching.suggestLinks({ train: values.train }, log),
      attached,
    );
    console.log(JSON.stringify(run));
  },

  async export(rest, config) {
    const { values } = parseArgs({
      args: rest,
      options: { person: { type: 'string' }, persona: { type: 'string' }, out: { type: 'string' } },
    });
    if (Boolean(values.person) === Boolean(values.persona)) {
      throw new Error('usage: idgraph export --person <id> | --persona <id or key> [--out FILE]');
    }
    const { exportDocument } = await import('./export-command.js');
    const document = await withDatabase(
      config,
      (db) => exportDocument(db.graph, config, { person: values.person, persona: values.persona }),
      attached,
    );
    const text = `${JSON.stringify(document, null, 2)}\n`;
    if (values.out) fs.writeFileSync(values.out, text);
    else process.stdout.write(text);
  },

  async taxonomy(rest, config) {
    const [action, file] = rest;
    if (action !== 'load' || !file) throw new Error('usage: idgraph taxonomy load <file.csv|file.json>');
    const { loadTaxonomyFile } = await import('./taxonomy-command.js');
    const summary = await withDatabase(config, (db) => loadTaxonomyFile(db.graph, config, file), attached);
    console.log(JSON.stringify(summary));
    if (summary.errors.length) process.exitCode = 1;
  },

  async regroup(rest, config) {
    const { values } = parseArgs({ args: rest, options: { stale: { type: 'boolean', default: false } } });
    if (!values.stale) throw new Error('usage: idgraph regroup --stale');
    const { operatorServices } = await import('./operator.js');
    const result = await withDatabase(
      config,
      (db) =>
        operatorServices(db.graph, config, 'cli').identity.regroupStale((done, of) =>
          log(`regroup: ${done} of ${of} persona(s) grouped by stale evidence regrouped`),
        ),
      attached,
    );
    console.log(JSON.stringify(result));
  },

  async kafka(rest) {
    await kafkaCommand(rest, log);
  },

  async 'prune-changes'(rest, config) {
    const { values } = parseArgs({ args: rest, options: { 'older-than-days': { type: 'string' } } });
    const raw = values['older-than-days'];
    const days = raw === undefined ? config.changes.retentionDays : Number(raw);
    if (!Number.isInteger(days) || days < 0) {
      throw new Error(`--older-than-days must be a whole number of days (0 or more), not "${raw}"`);
    }
    const [{ ChangesRepository }, { pruneChanges }] = await Promise.all([
      import('../changes/changes.repository.js'),
      import('../changes/changes.retention.js'),
    ]);
    const prune = async (db: Database) => {
      const report = await pruneChanges(new ChangesRepository(db.graph), days);
      console.log(
        report.prunedThrough === null
          ? `pruned 0 changes: none was sequenced before ${report.cutoff} (older than ${days} days)`
          : `pruned ${report.pruned} changes sequenced before ${report.cutoff} (older than ${days} days); ` +
              `cursors up to ${report.prunedThrough} are no longer retained`,
      );
    };
    await withDatabase(config, prune, attached);
  },
};

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  const run = command !== undefined && Object.hasOwn(commands, command) ? commands[command] : undefined;
  if (run) return run(rest, config);
  console.error(usage);
  process.exitCode = command === undefined || command === 'help' || command === '--help' ? 0 : 2;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const code = (error as { code?: string }).code;
  if (error instanceof ConfigError) console.error(error.message);
  else if (code === 'EADDRINUSE')
    console.error(`${(error as Error).message}: another process holds the port; set PORT`);
  else console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
