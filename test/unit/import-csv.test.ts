// CSV records and column mappings as the importer reads them, and the progress a terminal shows.
import { csvAsEventLines, csvRecords, mapRecord, type CsvMapping } from '../../src/identity/import-csv.js';
import { progressReporter } from '../../src/cli/progress.js';

async function* chunks(...parts: string[]) {
  yield* parts;
}
async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const mapping: CsvMapping = {
  id: 'crm-{id}',
  type: 'signup',
  occurredAt: '{at}',
  source: 'crm',
  authenticated: true,
  persona: { key: 'crm:{id}', label: '{first} {last}' },
  identifiers: [
    { type: 'email', value: '{email}' },
    { type: 'phone', value: '{phone}' },
  ],
  facts: [],
  mentions: [],
  consents: [{ purpose: 'newsletter', channel: 'EMAIL', granted: '{optin}' }],
};

describe('CSV records', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, across chunks and CRLF', async () => {
    const records = await collect(
      csvRecords(chunks('a,"b, c",d\r\n1,"say ""hi', '""\nthere",3\r\n\n', 'x,,z')),
    );
    expect(records).toEqual([
      ['a', 'b, c', 'd'],
      ['1', 'say "hi"\nthere', '3'],
      ['x', '', 'z'],
    ]);
  });
});

describe('a column mapping', () => {
  it('fills templates from the record and leaves out fields whose columns are empty', () => {
    const row = {
      id: '7',
      at: '2026-01-01T00:00:00Z',
      first: 'Ada',
      last: 'L',
      email: 'a@x.org',
      phone: '',
      optin: 'Yes',
    };
    expect(mapRecord(mapping, row)).toEqual({
      id: 'crm-7',
      type: 'signup',
      occurredAt: '2026-01-01T00:00:00Z',
      source: 'crm',
      actor: {
        authenticated: true,
        persona: { key: 'crm:7', label: 'Ada L' },
        identifiers: [{ type: 'email', value: 'a@x.org' }],
      },
      mentions: [],
      facts: [],
      consents: [{ purpose: 'newsletter', channel: 'EMAIL', granted: true }],
    });
  });

  it('refuses a CSV whose header lacks a column the mapping reads, before the first row', async () => {
    await expect(collect(csvAsEventLines(chunks('id,at\n1,2\n'), mapping))).rejects.toThrow(
      'the mapping reads columns the CSV header lacks: first, last, email, phone, optin',
    );
  });
});

describe('import progress', () => {
  it('draws a bar with the share read, the rate and an ETA on a terminal', () => {
    let written = '';
    const stream = {
      isTTY: true,
      write: (text: string) => ((written = text), true),
    } as unknown as NodeJS.WriteStream;
    const reporter = progressReporter({ totalBytes: 1000, bytesRead: () => 500, stream });
    reporter.update({
      lines: 10,
      accepted: 8,
      duplicates: 1,
      rejected: 1,
      ignoredIdentifiers: 0,
      eventsPerSecond: 42,
      unmapped: [],
    });
    const clear = `${String.fromCharCode(27)}[K`;
    expect(written.startsWith(`\r${clear}[${'#'.repeat(12)}${'-'.repeat(12)}]  50% `)).toBe(true);
    expect(written.slice(clear.length + 33)).toMatch(
      /^10 lines: 8 stored, 1 already there, 1 rejected \(42 events\/s, ETA (\d\d:\d\d|--:--)\)$/,
    );
  });
});
