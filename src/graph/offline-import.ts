// Runs Neo4j's offline importer (`neo4j-admin database import full`, from the neo4j-import-tool jar
// Maven resolves beside the embedded Neo4j) on the embedded store, which must not be running: it
// writes the store files directly, millions of nodes and relationships a minute, with no transactions.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { childEnvironment } from '../config.js';
import { neo4jClasspath, prepareEmbeddedNeo4j } from './embedded.js';

export interface OfflineImportOptions {
  /** The embedded store (NEO4J_HOME): the importer finds data/databases/<database> under it. */
  home: string;
  database: string;
  /** --nodes=… and --relationships=… arguments (ImportCsvFiles.arguments()). */
  files: string[];
  multiline: boolean;
  heap: string;
  /** Receives the importer's progress lines. */
  log: (line: string) => void;
}

export class OfflineImportError extends Error {}

/** Replaces the database's files with the CSV files' nodes and relationships. */
export async function runOfflineImport(options: OfflineImportOptions): Promise<void> {
  prepareEmbeddedNeo4j(options.log);
  fs.mkdirSync(options.home, { recursive: true });
  const home = path.resolve(options.home);
  const args = [
    `-Xmx${options.heap}`,
    '-cp',
    neo4jClasspath(),
    'org.neo4j.cli.AdminTool',
    'database',
    'import',
    'full',
    // The database first: --nodes and --relationships take every argument after them as a file.
    options.database,
    '--overwrite-destination=true',
    '--id-type=integer',
    // A quoted empty string is an empty string, as Cypher stores it; an empty cell is no property.
    '--ignore-empty-strings=false',
    `--multiline-fields=${options.multiline}`,
    `--report-file=${path.join(home, 'import.report')}`,
    ...options.files,
  ];
  const child = spawn('java', args, {
    env: childEnvironment({ NEO4J_HOME: home }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const lines = (chunk: string) => {
    for (const line of chunk.split('\n').filter((l) => l.trim())) {
      tail.push(line);
      tail.splice(0, Math.max(0, tail.length - 20));
      // The importer's stage lines (IMPORT DONE, "Imported: …") are worth showing; its dots are not.
      if (/^(IMPORT|Imported|Node|Relationship|Count|Peak|\d+%)/.test(line.trim())) options.log(line.trim());
    }
  };
  child.stdout.setEncoding('utf8').on('data', lines);
  child.stderr.setEncoding('utf8').on('data', lines);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  if (code !== 0)
    throw new OfflineImportError(`neo4j-admin database import failed (exit ${code}):\n${tail.join('\n')}`);
}
