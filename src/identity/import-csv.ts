// Flat exports (a CRM, an e-shop, an email platform) as events: a CSV file read record by record, and
// a mapping file that says how its columns make an EventInput. Every string in the mapping is a
// template: "{column}" is replaced by the record's value, anything else is literal.
import fs from 'node:fs';
import { z } from 'zod';

const template = z.string();
const mappingSchema = z.object({
  id: template,
  type: template,
  occurredAt: template,
  source: template,
  channel: template.optional(),
  authenticated: z.boolean().optional(),
  persona: z.object({ key: template, context: template.optional(), label: template.optional() }).optional(),
  identifiers: z.array(z.object({ type: z.string(), value: template })).default([]),
  device: z
    .object({
      id: template,
      kind: template.optional(),
      os: template.optional(),
      browser: template.optional(),
    })
    .optional(),
  campaign: template.optional(),
  asset: template.optional(),
  purpose: template.optional(),
  amount: template.optional(),
  currency: template.optional(),
  facts: z.array(z.object({ key: z.string(), value: template, method: z.string().optional() })).default([]),
  mentions: z.array(z.object({ role: z.string(), type: z.string(), value: template })).default([]),
  consents: z
    .array(
      z.object({
        purpose: z.string(),
        channel: z.string(),
        granted: template,
        identifier: z.object({ type: z.string(), value: template }).optional(),
      }),
    )
    .default([]),
});
export type CsvMapping = z.infer<typeof mappingSchema>;

export function loadMapping(file: string): CsvMapping {
  const parsed = mappingSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

/** RFC 4180 records (quoted fields may hold commas, quotes and line breaks), from a stream of text. */
export async function* csvRecords(chunks: AsyncIterable<string>): AsyncGenerator<string[]> {
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let afterQuote = false;
  let started = false;
  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (quoted) {
        if (c === '"') {
          if (chunk[i + 1] === '"') {
            field += '"';
            i++;
          } else {
            quoted = false;
            afterQuote = true;
          }
        } else field += c;
        continue;
      }
      if (c === '"' && field === '' && !afterQuote) {
        quoted = true;
        started = true;
      } else if (c === ',') {
        record.push(field);
        field = '';
        afterQuote = false;
        started = true;
      } else if (c === '\n' || c === '\r') {
        if (c === '\r' && chunk[i + 1] === '\n') i++;
        if (started || field !== '') {
          record.push(field);
          yield record;
        }
        record = [];
        field = '';
        afterQuote = false;
        started = false;
      } else {
        field += c;
        started = true;
      }
    }
  }
  if (started || field !== '') {
    record.push(field);
    yield record;
  }
}

const placeholder = /\{([^{}]+)\}/g;

/** The columns a mapping reads, to check them against the header before the first row. */
export function mappingColumns(mapping: CsvMapping): string[] {
  const columns = new Set<string>();
  const visit = (value: unknown) => {
    if (typeof value === 'string') for (const m of value.matchAll(placeholder)) columns.add(m[1]!);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(mapping);
  return [...columns];
}

const truthy = new Set(['true', 'yes', 'y', '1', 'opt-in', 'optin', 'subscribed']);
const falsy = new Set(['false', 'no', 'n', '0', 'opt-out', 'optout', 'unsubscribed']);

/** One record as an event (a plain object; the importer checks it as the API checks an EventInput). */
type Fill = (template: string | undefined) => string | undefined;

/** Leaves out the fields that came out empty. */
const drop = <T extends Record<string, unknown>>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** Fills a mapping's templates from one row; a template whose columns are all empty yields nothing. */
function filler(row: Record<string, string>): Fill {
  return (t) => {
    if (t === undefined) return undefined;
    let empty = true;
    const text = t.replace(placeholder, (_, column: string) => {
      const value = (row[column] ?? '').trim();
      if (value) empty = false;
      return value;
    });
    return /\{[^{}]+\}/.test(t) && empty ? undefined : text.trim() || undefined;
  };
}

export function mapRecord(mapping: CsvMapping, row: Record<string, string>): Record<string, unknown> {
  // Optional fields whose columns are empty are simply left out.
  const fill = filler(row);
  const amount = fill(mapping.amount);
  return drop({
    id: fill(mapping.id),
    type: fill(mapping.type),
    occurredAt: fill(mapping.occurredAt),
    source: fill(mapping.source),
    channel: fill(mapping.channel),
    campaign: fill(mapping.campaign),
    asset: fill(mapping.asset),
    purpose: fill(mapping.purpose),
    amount: amount === undefined ? undefined : Number(amount),
    currency: fill(mapping.currency),
    actor: mapActor(mapping, fill),
    mentions: mapping.mentions.flatMap((m) => {
      const value = fill(m.value);
      return value ? [{ role: m.role, identifier: { type: m.type, value } }] : [];
    }),
    facts: mapping.facts.flatMap((f) => {
      const value = fill(f.value);
      return value ? [drop({ key: f.key, value, method: f.method })] : [];
    }),
    consents: mapping.consents.flatMap((c) => mapConsent(c, fill)),
  });
}

function mapActor(mapping: CsvMapping, fill: Fill): Record<string, unknown> {
  return drop({
    authenticated: mapping.authenticated,
    persona:
      mapping.persona && fill(mapping.persona.key)
        ? drop({
            key: fill(mapping.persona.key),
            context: fill(mapping.persona.context),
            label: fill(mapping.persona.label),
          })
        : undefined,
    identifiers: mapping.identifiers.flatMap((i) => {
      const value = fill(i.value);
      return value ? [{ type: i.type, value }] : [];
    }),
    device:
      mapping.device && fill(mapping.device.id)
        ? drop({
            id: fill(mapping.device.id),
            kind: fill(mapping.device.kind),
            os: fill(mapping.device.os),
            browser: fill(mapping.device.browser),
          })
        : undefined,
  });
}

/** A consent column: yes/no words grant or withdraw; anything else (or nothing) states no consent. */
function mapConsent(c: CsvMapping['consents'][number], fill: Fill): Record<string, unknown>[] {
  const answer = fill(c.granted)?.toLowerCase();
  const granted = answer && truthy.has(answer) ? true : answer && falsy.has(answer) ? false : undefined;
  const value = c.identifier ? fill(c.identifier.value) : undefined;
  if (granted === undefined) return [];
  return [
    drop({
      purpose: c.purpose,
      channel: c.channel,
      granted,
      identifier: value ? { type: c.identifier!.type, value } : undefined,
    }),
  ];
}

/**
 * The CSV file as the importer's lines: the header becomes an empty line (so line numbers are record
 * numbers counted from the header, as a spreadsheet shows them), each record its event as JSON.
 */
export async function* csvAsEventLines(
  chunks: AsyncIterable<string>,
  mapping: CsvMapping,
): AsyncGenerator<string> {
  let header: string[] | null = null;
  for await (const record of csvRecords(chunks)) {
    if (!header) {
      header = record.map((h) => h.trim().replace(/^\uFEFF/, ''));
      const missing = mappingColumns(mapping).filter((c) => !header!.includes(c));
      if (missing.length)
        throw new Error(`the mapping reads columns the CSV header lacks: ${missing.join(', ')}`);
      yield '';
      continue;
    }
    const row = Object.fromEntries(header.map((h, i) => [h, record[i] ?? '']));
    yield JSON.stringify(mapRecord(mapping, row));
  }
}
