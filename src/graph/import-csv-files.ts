// CSV files in the format of Neo4j's offline importer (`neo4j-admin database import full`): nodes with
// integer ids, relationships between those ids, every property typed in the header. Rows go to one
// file per label (or relationship type) and set of typed properties, so a property that is absent is
// absent (not an empty string) and an integer stays an integer where Cypher would have stored one.
import fs from 'node:fs';
import path from 'node:path';

/** A date-time property (an ISO 8601 instant): stored as Neo4j's DateTime, not as text. */
export class DateTimeValue {
  constructor(readonly iso: string) {}
}

export type CsvValue = string | number | boolean | string[] | DateTimeValue | null | undefined;
export type CsvProperties = Record<string, CsvValue>;

function typeOf(value: Exclude<CsvValue, null | undefined>): string {
  if (value instanceof DateTimeValue) return 'datetime';
  if (Array.isArray(value)) return 'string[]';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'long' : 'double';
  return 'string';
}

const quoted = (text: string) => `"${text.replaceAll('"', '""')}"`;

function cell(value: Exclude<CsvValue, null | undefined>): string {
  if (value instanceof DateTimeValue) return value.iso;
  if (Array.isArray(value)) return quoted(value.join(';'));
  if (typeof value === 'string') return quoted(value);
  return String(value);
}

interface OpenFile {
  stream: fs.WriteStream;
  path: string;
  /** --nodes=Label:Label= or --relationships=TYPE= */
  kind: 'nodes' | 'relationships';
  group: string;
  /** Rows not yet handed to the stream. */
  pending: string;
}

/** Writes the importer's files into a folder; `arguments()` names them for the command line. */
export class ImportCsvFiles {
  private readonly files = new Map<string, OpenFile>();
  /** A value with a line break needs the importer's slower multi-line parsing. */
  multiline = false;
  nodes = 0;
  relationships = 0;

  constructor(private readonly folder: string) {
    fs.mkdirSync(folder, { recursive: true });
  }

  /** A node with an id of the caller's (unique across every node) and its labels. */
  node(id: number, labels: string[], properties: CsvProperties): void {
    this.nodes++;
    this.row('nodes', labels.join(':'), [':ID'], [String(id)], properties);
  }

  relationship(type: string, from: number, to: number, properties: CsvProperties = {}): void {
    this.relationships++;
    this.row('relationships', type, [':START_ID', ':END_ID'], [String(from), String(to)], properties);
  }

  private row(
    kind: OpenFile['kind'],
    group: string,
    idColumns: string[],
    ids: string[],
    properties: CsvProperties,
  ): void {
    // One pass, no intermediate arrays: a million events write tens of millions of rows.
    let keys = '';
    let line = ids.join(',');
    for (const key in properties) {
      const value = properties[key];
      if (value === null || value === undefined) continue;
      keys += `${keys ? ',' : ''}${key}:${typeOf(value)}`;
      const text = cell(value);
      if (!this.multiline && typeof value === 'string' && (text.includes('\n') || text.includes('\r')))
        this.multiline = true;
      line += `,${text}`;
    }
    const signature = `${kind}\u0000${group}\u0000${keys}`;
    let file = this.files.get(signature);
    if (!file) {
      const name = `${kind}-${group.replaceAll(':', '_')}-${this.files.size}.csv`;
      file = {
        stream: fs.createWriteStream(path.join(this.folder, name)),
        path: name,
        kind,
        group,
        pending: '',
      };
      file.pending = `${[...idColumns, ...(keys ? [keys] : [])].join(',')}\n`;
      this.files.set(signature, file);
    }
    file.pending += `${line}\n`;
    // Written in chunks: a write per row cost more than building the rows.
    if (file.pending.length > 1 << 20) {
      file.stream.write(file.pending);
      file.pending = '';
    }
  }

  /** Flushes and closes every file. */
  async close(): Promise<void> {
    for (const f of this.files.values()) if (f.pending) f.stream.write(f.pending);
    await Promise.all(
      [...this.files.values()].map(
        (f) =>
          new Promise<void>((resolve, reject) =>
            f.stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
          ),
      ),
    );
  }

  /** The importer's --nodes and --relationships arguments, with paths inside the folder. */
  arguments(): string[] {
    return [...this.files.values()].map((f) => `--${f.kind}=${f.group}=${path.join(this.folder, f.path)}`);
  }
}
