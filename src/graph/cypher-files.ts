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

/** The statement files as written, keyed by path without extension ('identity/personas-by-identifier'); migrations excluded. */
export function loadCypherSources(dir: string = cypherDir): Readonly<Record<string, string>> {
  const sources: Record<string, string> = {};
  for (const file of listCypherFiles(dir)) {
    const name = path
      .relative(dir, file)
      .replace(/\\/g, '/')
      .replace(/\.cypher$/, '');
    // Migrations run once; analytics are the data engineer's reports (:param lines), run by idgraph cypher.
    if (name.startsWith('schema/') || name.startsWith('analytics/')) continue;
    sources[name] = fs.readFileSync(file, 'utf8');
  }
  return Object.freeze(sources);
}

/** The statements as the API sends them (compactCypher), by the same names. */
export function loadCypherCatalog(dir: string = cypherDir): CypherCatalog {
  const catalog: Record<string, string> = {};
  for (const [name, source] of Object.entries(loadCypherSources(dir))) {
    const text = compactCypher(source);
    if (!text) throw new Error(`cypher/${name}.cypher holds no statement`);
    catalog[name] = text;
  }
  return Object.freeze(catalog);
}

/**
 * The statement as sent: comments dropped and runs of whitespace made one space, outside string
 * literals and escaped names. The files keep their comments for readers; the server need not receive
 * them on every call (the resolve statement was 9.6 KB with them, seven Bolt chunks, and 5.7 KB without).
 */
export function compactCypher(text: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      out += c;
      if (c === '\\' && quote !== '`') out += text[++i] ?? '';
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"' || c === '`') {
      quote = c;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
      if (!out.endsWith(' ')) out += ' ';
    } else if (/\s/.test(c)) {
      if (out && !out.endsWith(' ')) out += ' ';
    } else out += c;
  }
  return out.trim();
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
