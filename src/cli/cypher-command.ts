// `idgraph cypher`: a data engineer's Cypher against the graph the service uses: a statement or a
// .cypher file (with Neo4j Browser / cypher-shell `:param` lines), read-only unless --write, printed
// as a table, JSON or CSV.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Graph, Row } from '../graph/run.js';

export interface CypherScript {
  /** `:param name => expression` lines, in order: each expression is Cypher, evaluated by the database. */
  params: { name: string; expression: string }[];
  statements: string[];
}

/** Splits a script into its `:param` lines and its statements (ended by `;` at the end of a line). */
export function parseCypherScript(text: string): CypherScript {
  const params: CypherScript['params'] = [];
  const body: string[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('//')) continue;
    const param = /^:params?\s+([A-Za-z_][A-Za-z0-9_]*)\s*=>\s*(.+?);?$/.exec(trimmed);
    if (param) params.push({ name: param[1]!, expression: param[2]! });
    else if (trimmed.startsWith(':')) throw new Error(`only :param lines are understood, not "${trimmed}"`);
    else body.push(line);
  }
  const statements = body
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
  return { params, statements };
}

/** Evaluates `:param` expressions as Cypher (so `:param since => datetime() - duration('P30D')` works). */
export async function evaluateParams(graph: Graph, params: CypherScript['params']) {
  const values: Record<string, unknown> = {};
  for (const { name, expression } of params) {
    const { rows } = await graph.runTextTx(`RETURN ${expression} AS value`, values, 'READ');
    values[name] = rows[0]?.value;
  }
  return values;
}

/** `--param k=v`: v as JSON when it parses (numbers, booleans, lists), otherwise as a string. */
export function parseParamFlag(flag: string): [string, unknown] {
  const at = flag.indexOf('=');
  if (at < 1) throw new Error(`--param needs name=value, not "${flag}"`);
  const raw = flag.slice(at + 1);
  try {
    return [flag.slice(0, at), JSON.parse(raw)];
  } catch {
    return [flag.slice(0, at), raw];
  }
}

const cell = (value: unknown) =>
  value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);

export function formatTable(columns: string[], rows: Row[]): string {
  if (columns.length === 0) return '(no columns)';
  const cells = rows.map((row) => columns.map((c) => cell(row[c]).replace(/\n/g, ' ')));
  const widths = columns.map((c, i) => Math.min(60, Math.max(c.length, ...cells.map((r) => r[i]!.length))));
  const fit = (text: string, width: number) =>
    text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
  const line = (values: string[]) => `| ${values.map((v, i) => fit(v, widths[i]!)).join(' | ')} |`;
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  return [
    rule,
    line(columns),
    rule,
    ...cells.map(line),
    rule,
    `${rows.length} row${rows.length === 1 ? '' : 's'}`,
  ].join('\n');
}

export function formatCsv(columns: string[], rows: Row[]): string {
  const quote = (text: string) => (/[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  return [
    columns.map(quote).join(','),
    ...rows.map((row) => columns.map((c) => quote(cell(row[c]))).join(',')),
  ].join('\n');
}

export const cypherUsage = `cypher <statement | file.cypher> [--param k=v]… [--write] [--json | --csv]
                            run Cypher on the service's database (read-only unless --write); a file
                            may hold :param lines and several statements ending in ';'`;

/** Parses the command line; the caller opens the database and hands it to run(). */
export function cypherCommand(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      param: { type: 'string', multiple: true, default: [] },
      params: { type: 'string', default: '{}' },
      write: { type: 'boolean', default: false },
      read: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      csv: { type: 'boolean', default: false },
    },
  });
  const first = positionals[0];
  if (!first)
    throw new Error('cypher needs a statement or a file, e.g. idgraph cypher "MATCH (n) RETURN count(n)"');
  const isFile = positionals.length === 1 && /\.(cypher|cql)$/.test(first);
  if (isFile && !fs.existsSync(first)) throw new Error(`no such file: ${first}`);
  const script = parseCypherScript(isFile ? fs.readFileSync(first, 'utf8') : positionals.join(' '));
  if (script.statements.length === 0) throw new Error('no statement to run');
  const given = {
    ...(JSON.parse(values.params ?? '{}') as Record<string, unknown>),
    ...Object.fromEntries((values.param ?? []).map(parseParamFlag)),
  };
  const mode: 'READ' | 'WRITE' = values.write ? 'WRITE' : 'READ';
  const format = values.json ? 'json' : values.csv ? 'csv' : 'table';
  return {
    async run(graph: Graph, print: (text: string) => void): Promise<void> {
      // Flags win over the file's defaults.
      const params = { ...(await evaluateParams(graph, script.params)), ...given };
      for (const statement of script.statements) {
        let result;
        try {
          result = await graph.runTextTx(statement, params, mode);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          if (mode === 'READ' && /write|read access mode|not allowed/i.test(message)) {
            throw new Error(`${message}\nThis statement writes: run it again with --write.`);
          }
          throw error;
        }
        if (format === 'json') print(JSON.stringify(result.rows, null, 2));
        else if (format === 'csv') print(formatCsv(result.columns, result.rows));
        else print(formatTable(result.columns, result.rows));
      }
    },
  };
}
