// Loads every statement in cypher/ once, at start: a missing or empty file fails the start, not a request.
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../config.js';

export const cypherDir = path.join(projectRoot, 'cypher');

export type CypherCatalog = Readonly<Record<string, string>>;

function listCypherFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return listCypherFiles(full);
      return entry.name.endsWith('.cypher') ? [full] : [];
    })
    .sort();
}

/** Statements keyed by path without extension ('identity/personas-by-identifier'); migrations excluded. */
export function loadCypherCatalog(dir: string = cypherDir): CypherCatalog {
  const catalog: Record<string, string> = {};
  for (const file of listCypherFiles(dir)) {
    const name = path
      .relative(dir, file)
      .replace(/\\/g, '/')
      .replace(/\.cypher$/, '');
    // Migrations run once; analytics are the data engineer's reports (:param lines), run by idgraph cypher.
    if (name.startsWith('schema/') || name.startsWith('analytics/')) continue;
    const text = fs.readFileSync(file, 'utf8').trim();
    if (!stripComments(text)) throw new Error(`cypher/${name}.cypher holds no statement`);
    catalog[name] = text;
  }
  return Object.freeze(catalog);
}

export function stripComments(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n')
    .trim();
}

export interface Migration {
  name: string;
  statements: string[];
}

/** Migrations in cypher/schema/, in file-name order; a file may hold several statements ending in ';'. */
export function loadMigrations(dir: string = path.join(cypherDir, 'schema')): Migration[] {
  return listCypherFiles(dir).map((file) => ({
    name: path.basename(file, '.cypher'),
    statements: stripComments(fs.readFileSync(file, 'utf8'))
      .split(/;\s*(?:\n|$)/)
      .map((s) => s.trim())
      .filter(Boolean),
  }));
}
