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
    // Migrations run once; analytics are the data engineer's reports (:param lines), run by idgraph cypher;
    // read/ holds fragments, composed into statements (loadCypherFragments).
    if (name.startsWith('schema/') || name.startsWith('analytics/') || name.startsWith('read/')) continue;
    sources[name] = fs.readFileSync(file, 'utf8');
  }
  return Object.freeze(sources);
}

/** The fragments in cypher/read/ as written, keyed by file name without extension ('persona-devices'). */
export function loadCypherFragments(dir: string = cypherDir): Readonly<Record<string, string>> {
  const folder = path.join(dir, fragmentFolder);
  const fragments: Record<string, string> = {};
  for (const file of fs.existsSync(folder) ? listCypherFiles(folder) : []) {
    fragments[path.basename(file, '.cypher')] = fs.readFileSync(file, 'utf8');
  }
  return Object.freeze(fragments);
}

/** The statements as the API sends them (compactCypher), by the same names. */
export function loadCypherCatalog(dir: string = cypherDir): CypherCatalog {
  const catalog: Record<string, string> = {};
  for (const [name, source] of Object.entries(loadCypherSources(dir))) {
    const text = compactCypher(source);
    if (!text) throw new Error(`cypher/${name}.cypher holds no statement`);
    catalog[name] = text;
  }
  return composingCatalog(Object.freeze(catalog), loadCypherFragments(dir));
}

const fragmentFolder = 'read';

/** Names of composed statements start with this: `read:` and the recipe (composeRead). */
export const composedPrefix = 'read:';

/** Composed statements kept, by recipe; past this many the cache starts again (a bound, not a tuning). */
const composedCacheSize = 500;

/**
 * The catalog, which also answers a composed statement's name (`read:persona-by-key(persona-devices)`)
 * with the statement its recipe composes from cypher/read/ fragments: a nested read's one statement
 * is reviewable as the fragments it is made of, and its name in logs and transaction metadata says
 * which. Listing the catalog lists the files only.
 */
function composingCatalog(files: CypherCatalog, sources: Readonly<Record<string, string>>): CypherCatalog {
  const fragments = Object.fromEntries(Object.entries(sources).map(([n, s]) => [n, compactCypher(s)]));
  const composed = new Map<string, string>();
  return new Proxy(files, {
    get(target, name, receiver) {
      if (typeof name !== 'string' || !name.startsWith(composedPrefix))
        return Reflect.get(target, name, receiver) as unknown;
      let text = composed.get(name);
      if (text === undefined) {
        text = composeRead(fragments, name.slice(composedPrefix.length));
        if (composed.size >= composedCacheSize) composed.clear();
        composed.set(name, text);
      }
      return text;
    },
  });
}

interface Recipe {
  fragment: string;
  /** `[a,b]` in the recipe: the properties this level reads, of those its fragment lists; else all. */
  properties?: string[];
  children: Recipe[];
}

/** Parses `a(b(c),d),e`: fragment names with the fragments composed below each, in order. */
function parseRecipes(text: string): Recipe[] {
  let at = 0;
  const list = (): Recipe[] => {
    const recipes: Recipe[] = [];
    do {
      const name = /^[a-z0-9-]+/.exec(text.slice(at))?.[0];
      if (!name) throw new Error(`No fragment name at ${at} in the recipe '${text}'`);
      at += name.length;
      let properties: string[] | undefined;
      if (text[at] === '[') {
        const list = /^\[([a-zA-Z]+(?:,[a-zA-Z]+)*)\]/.exec(text.slice(at));
        if (!list) throw new Error(`Malformed properties at ${at} in the recipe '${text}'`);
        properties = list[1]!.split(',');
        at += list[0].length;
      }
      let children: Recipe[] = [];
      if (text[at] === '(') {
        at++;
        children = list();
        if (text[at++] !== ')') throw new Error(`Unclosed '(' in the recipe '${text}'`);
      }
      recipes.push({ fragment: name, ...(properties && { properties }), children });
    } while (text[at] === ',' && ++at);
    return recipes;
  };
  const recipes = list();
  if (at !== text.length) throw new Error(`Unexpected '${text.slice(at)}' in the recipe '${text}'`);
  return recipes;
}

/** `@properties(.id, .key, …)` in a fragment: the properties it may read, all unless a recipe narrows them. */
const propertiesPlaceholder = /@properties\(([^)]*)\)/;

function chosenProperties(r: Recipe, listed: string): string {
  const all = listed.split(',').map((p) => p.trim());
  if (!r.properties) return all.join(', ');
  for (const p of r.properties)
    if (!all.includes(`.${p}`)) throw new Error(`The fragment '${r.fragment}' does not read '${p}'`);
  return all.filter((p) => r.properties!.includes(p.slice(1))).join(', ');
}

/**
 * The statement a recipe names: `statement` with each root as a column `r<n>`; in each fragment
 * `@self` becomes this level's variable (v0, v1, … in the order met, so no two levels share one),
 * `@parent` the level above's, `@root` the root's column (its parameters: $r0_keys), `@fields` the
 * fragments below as map entries `, f<n>: …` in the recipe's order, and `@properties(…)` the ones a
 * recipe's `[a,b]` names (`personas-by-keys[key](persona-devices[id])`), or all it lists. Only fragment files and these
 * generated names enter the text: values are always parameters.
 */
export function composeRead(
  /** The fragments as sent (compactCypher): a placeholder in a comment would be filled too. */
  fragments: Readonly<Record<string, string>>,
  recipe: string,
): string {
  let variables = 0;
  const render = (r: Recipe, parent: string, root: string): string => {
    const text = fragments[r.fragment];
    if (text === undefined || r.fragment === 'statement')
      throw new Error(`No Cypher fragment named '${r.fragment}' in cypher/read/`);
    const self = `v${variables++}`;
    const fields = r.children.map((c, n) => `, f${n}: ${render(c, self, root)}`).join('');
    return text
      .replace(propertiesPlaceholder, (_, listed: string) => chosenProperties(r, listed))
      .replaceAll('@fields', fields)
      .replaceAll('@parent', parent)
      .replaceAll('@root', root)
      .replaceAll('@self', self);
  };
  const columns = parseRecipes(recipe).map((r, n) => `${render(r, '', `r${n}`)} AS r${n}`);
  return fragments.statement!.replace('@columns', columns.join(', '));
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
