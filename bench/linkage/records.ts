// Records in and out of the graph for the linkage bench: a FEBRL-style CSV read, each record as the
// event a registry would send (a persona with its facts and its id, proven together), and the model
// the bench asks the graph to match with.
import fs from 'node:fs';
import { csvRecords } from '../../src/identity/import-csv.js';
import { columns, type LinkageRecord } from './generate.js';

/** Reads a CSV with FEBRL's columns (rec_id first; extra columns ignored). */
export async function readRecords(file: string): Promise<LinkageRecord[]> {
  const rows = csvRecords(fs.createReadStream(file, { encoding: 'utf8' }));
  const header = (await rows.next()).value as string[] | undefined;
  const missing = columns.filter((c) => !header?.includes(c));
  if (!header || missing.length) throw new Error(`${file}: no column(s) ${missing.join(', ')}`);
  const records: LinkageRecord[] = [];
  for await (const row of rows) {
    records.push(
      Object.fromEntries(columns.map((c) => [c, (row[header.indexOf(c)] ?? '').trim()])) as LinkageRecord,
    );
  }
  return records;
}

/** The identifier type of the records' id: an account-like number, one per person, never a contact. */
export const idType = {
  name: 'ssid',
  kind: 'OTHER',
  // Every record of a person holds it (FEBRL has up to nine duplicates): within the limit it groups.
  maxPersonas: 20,
};

/** FEBRL writes dates as YYYYMMDD; the graph's DATE comparator reads YYYY-MM-DD. A broken date stays as typed. */
const isoDate = (d: string) => (/^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}` : d);

/** The facts a record gives, missing values left out (a missing value is no fact, not an empty one). */
export function factsOf(x: LinkageRecord): { key: string; value: string }[] {
  const facts = {
    given_name: x.given_name,
    surname: x.surname,
    date_of_birth: isoDate(x.date_of_birth),
    street: [x.street_number, x.address_1].filter(Boolean).join(' '),
    suburb: x.suburb,
    postcode: x.postcode,
    state: x.state,
  };
  return Object.entries(facts)
    .filter(([, value]) => value !== '')
    .map(([key, value]) => ({ key, value }));
}

export const personaKey = (x: LinkageRecord) => `linkage:${x.rec_id}`;

/** One record as the event that registers it: the persona, its facts, and its id proven with it. */
export function eventOf(x: LinkageRecord) {
  return {
    id: `linkage:${x.rec_id}`,
    type: 'signup',
    occurredAt: '2026-01-05T09:00:00Z',
    source: 'registry',
    actor: {
      persona: { key: personaKey(x), context: 'PERSONAL' },
      identifiers: x.soc_sec_id ? [{ type: idType.name, value: x.soc_sec_id }] : [],
      authenticated: true,
    },
    facts: factsOf(x),
  };
}

/**
 * The model the bench defines: every field the records have, each with the comparator its errors call
 * for (names and places by Jaro–Winkler, numbers by edits, the birth date by DATE), and blocking rules
 * of two fields each so that a record with errors in one or two fields still meets its duplicates in
 * some block, while no block is everyone with a common surname.
 */
export const matchingModel = {
  fields: [
    // A record may hold the surname as given name and the given name as surname: the given name has
    // the level crossed for that, and [given_name, surname, …] keys the two unordered.
    { name: 'given_name', fact: 'given_name', comparator: 'JARO_WINKLER', crossWith: 'surname' },
    { name: 'surname', fact: 'surname', comparator: 'JARO_WINKLER' },
    { name: 'date_of_birth', fact: 'date_of_birth', comparator: 'DATE' },
    { name: 'street', fact: 'street', comparator: 'JARO_WINKLER' },
    { name: 'suburb', fact: 'suburb', comparator: 'JARO_WINKLER' },
    { name: 'postcode', fact: 'postcode', comparator: 'LEVENSHTEIN' },
    // No state: a postcode lies in one state, so an agreeing state would count the same place a third
    // time (suburb, postcode, state); without it, wrong suggestions at >= 0.99 at 100k offline 2-8 -> 0-1.
    { name: 'ssid', identifierType: idType.name, comparator: 'LEVENSHTEIN' },
  ],
  // At 100k, rules of two weak fields ([given_name, postcode], [surname, postcode], [given_name,
  // surname], [street, suburb]) gave EM mostly non-matches: the 'else' levels of ssid and birth date
  // fell under 2 bits and 2,587 wrong pairs passed 0.99. Each rule here pins the birth date, the street
  // (number and name: a household) or three fields. The two street rules find the records whose id
  // and birth date both carry a typo (or are missing), most of the pairs no other rule met.
  blocking: [
    ['ssid'],
    ['surname', 'date_of_birth'],
    ['given_name', 'date_of_birth'],
    ['date_of_birth', 'postcode'],
    ['given_name', 'surname', 'suburb'],
    ['surname', 'street'],
    ['given_name', 'street'],
  ],
  // Kept at 0.5 so that the bench sees every suggestion it reports on; the two cut-offs are its own.
  threshold: 0.5,
};
