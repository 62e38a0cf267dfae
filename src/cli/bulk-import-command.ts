// `idgraph import --bulk`: a first load into an empty embedded store, through Neo4j's offline importer.
// The events go through the ingest rules as `idgraph import` runs them, batch by batch, on a graph held
// in memory (src/identity/bulk.ingest.ts); that graph is written as CSV files, the importer writes the
// store files from them with Neo4j stopped, then Neo4j starts and the migrations add the constraints and
// indexes. The graph equals the one `idgraph import` leaves (test/integration/import-bulk.int.test.ts).
import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config.js';
import type { Database } from '../graph/database.js';
import { storeInUse } from '../graph/database.js';
import { ImportCsvFiles } from '../graph/import-csv-files.js';
import { runOfflineImport } from '../graph/offline-import.js';
import type { ImportProgress } from '../identity/import.js';

type WithDatabase = <T>(config: AppConfig, work: (db: Database) => Promise<T>) => Promise<T>;

export interface BulkImportOptions {
  batchSize: number;
  /** The file's events, one JSON EventInput a line, opened once the registry has been read. */
  openLines: () => AsyncIterable<string>;
  onRejection: (rejection: unknown) => void;
  onProgress: (progress: ImportProgress) => void;
}

/** Why a bulk import cannot run here, before anything is read or written; null when it can. */
export async function bulkImportRefusal(config: AppConfig): Promise<string | null> {
  if (config.neo4j.uri || config.neo4j.provider !== 'embedded')
    return (
      'import --bulk writes the embedded store files with Neo4j’s offline importer, so it needs the ' +
      'embedded Neo4j: NEO4J_URI (or NEO4J_PROVIDER) names another server. Unset it to load the store in ' +
      'NEO4J_HOME, or import without --bulk.'
    );
  if (await storeInUse(config))
    return `A service is running on the store ${config.neo4j.home}: stop it first (the offline importer writes the store files).`;
  return null;
}

/** The identifier types, knowledge rules and fact keys of the (empty, migrated) store. */
async function readRegistry(config: AppConfig, withDatabase: WithDatabase) {
  const [{ IdentityRepository }, { BulkRepository }, { ProfileIngest }] = await Promise.all([
    import('../identity/identity.repository.js'),
    import('../identity/bulk.repository.js'),
    import('../profile/profile.ingest.js'),
  ]);
  return withDatabase(config, async (db) => {
    const contents = await new BulkRepository(db.graph).storeContents();
    if (contents.nodes > 0)
      throw new Error(
        `import --bulk loads an empty store only, and ${config.neo4j.home} holds data (${contents.labels.join(', ')}${contents.nodes >= 1000 ? ', 1000 nodes or more' : `: ${contents.nodes} nodes`}). ` +
          'Import without --bulk, or empty it first (idgraph serve --reset).',
      );
    const profile = new ProfileIngest(db.graph);
    const [types, rules, factKeys] = await Promise.all([
      new IdentityRepository(db.graph).identifierTypes(),
      profile.rules(),
      new BulkRepository(db.graph).factKeys(),
    ]);
    return { profile, rules, registry: { types: new Map(types.map((t) => [t.name, t])), factKeys } };
  });
}

export async function bulkImport(
  config: AppConfig,
  withDatabase: WithDatabase,
  options: BulkImportOptions,
  log: (line: string) => void,
): Promise<ImportProgress & { nodes: number; relationships: number; persons: number; changes: number }> {
  const refusal = await bulkImportRefusal(config);
  if (refusal) throw new Error(refusal);
  const { profile, rules, registry } = await readRegistry(config, withDatabase);
  const [{ BulkIngest }, { importEvents }, { buildSchema }, { BulkRepository }] = await Promise.all([
    import('../identity/bulk.ingest.js'),
    import('../identity/import.js'),
    import('../schema.js'),
    import('../identity/bulk.repository.js'),
  ]);
  const folder = path.join(config.neo4j.home, `bulk-import-${Date.now()}`);
  const files = new ImportCsvFiles(folder);
  const bulk = new BulkIngest(config, profile, rules, registry, files);
  const summary = await importEvents(options.openLines(), buildSchema(), bulk, {
    batchSize: options.batchSize,
    onRejection: options.onRejection,
    onProgress: options.onProgress,
  });
  const { persons } = bulk.finish();
  await files.close();
  log(`Writing ${files.nodes} nodes and ${files.relationships} relationships with Neo4j's offline importer…`);
  await runOfflineImport({
    home: config.neo4j.home,
    database: config.neo4j.database ?? 'neo4j',
    files: files.arguments(),
    multiline: files.multiline,
    heap: config.neo4j.heap,
    log,
  });
  fs.rmSync(folder, { recursive: true, force: true });
  // The migrations run again on the new database files: constraints, indexes, built-in types.
  await withDatabase(config, (db) => new BulkRepository(db.graph).fillEmptyLists());
  return {
    ...summary,
    nodes: files.nodes,
    relationships: files.relationships,
    persons,
    changes: bulk.changes,
  };
}
