// Person records with realistic corruption, in the style of FEBRL's generator (Christen, "Probabilistic
// data generation for deduplication and data linkage", 2005): originals drawn from frequency tables,
// then duplicates of some of them (Zipf-distributed counts, up to five per original), each changed a
// few times by the kinds of error real registries show: typos (a key inserted, deleted, substituted by
// its keyboard neighbour, two keys transposed), given name and surname swapped, a move (new street,
// number, suburb, postcode and state), an id mistyped by one character, missing values, a birth date's
// day and month swapped. The same seed and count give the same records. Records carry FEBRL's columns
// (rec-<n>-org / rec-<n>-dup-<k>), so the bench reads a FEBRL CSV and these alike.
//
// CLI: node --import ./bench/register-ts.mjs bench/linkage/generate.ts --records 10000 [--seed 1] [--out file.csv]
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { random as mulberry32 } from '../generate.js';
import {
  buildingNames,
  commonSurnames,
  femaleGivenNames,
  keyboardNeighbours,
  maleGivenNames,
  states,
  streetNames,
  streetTypes,
  suburbNames,
  tailSurnames,
} from './tables.js';

export const columns = [
  'rec_id',
  'given_name',
  'surname',
  'street_number',
  'address_1',
  'address_2',
  'suburb',
  'postcode',
  'state',
  'date_of_birth',
  'soc_sec_id',
] as const;
export type Column = (typeof columns)[number];
/** Every column but the id: what a record says of its person. */
const valueColumns = columns.filter((c): c is Exclude<Column, 'rec_id'> => c !== 'rec_id');
/** One record as FEBRL writes it: every value a string, '' when missing. */
export type LinkageRecord = Record<Column, string>;

/** The entity a record stands for: rec-12-org and rec-12-dup-3 are one person. */
export function entityOf(recId: string): string {
  const found = /^rec-(\d+)-(?:org|dup-\d+)$/.exec(recId);
  if (!found) throw new Error(`"${recId}" is not a FEBRL record id (rec-<n>-org or rec-<n>-dup-<k>)`);
  return found[1]!;
}

/** bench/generate.ts's mulberry32, with a weighted draw. */
export function random(seed: number) {
  const base = mulberry32(seed);
  return {
    ...base,
    /** An index of `weights` drawn in proportion to them. */
    weighted: (weights: readonly number[], total = weights.reduce((s, w) => s + w, 0)) => {
      let left = base.next() * total;
      for (let i = 0; i < weights.length; i++) if ((left -= weights[i]!) < 0) return i;
      return weights.length - 1;
    },
  };
}
export type Random = ReturnType<typeof random>;

/** Zipf weights 1/rank^s: the first values of a table are the frequent ones. */
const zipf = (n: number, s: number) => Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);

/** Draws from a table with Zipf weights (precomputed once per table). */
function zipfDraw<T>(items: readonly T[], s: number) {
  const weights = zipf(items.length, s);
  const total = weights.reduce((a, b) => a + b, 0);
  return (r: Random) => items[r.weighted(weights, total)]!;
}

const femaleName = zipfDraw(femaleGivenNames, 0.7);
const maleName = zipfDraw(maleGivenNames, 0.7);
const commonSurname = zipfDraw(commonSurnames, 0.8);
const streetName = zipfDraw(streetNames, 0.5);

/** Each suburb's state and postcode, fixed for the seed: a move draws a consistent new one. */
function suburbTable(r: Random) {
  const shares = states.map((s) => s.share);
  return suburbNames.map((suburb) => {
    const s = states[r.weighted(shares)]!;
    return { suburb, state: s.state, postcode: String(r.int(s.from, s.to)).padStart(4, '0') };
  });
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** How often each field of an original is missing (FEBRL's originals have gaps too). */
const missingInOriginals: Partial<Record<Column, number>> = {
  given_name: 0.02,
  surname: 0.01,
  street_number: 0.03,
  address_1: 0.02,
  address_2: 0.6,
  suburb: 0.01,
  postcode: 0.01,
  state: 0.02,
  date_of_birth: 0.02,
};

function address(r: Random, suburbs: ReturnType<typeof suburbTable>, pickSuburb: (r: Random) => number) {
  const place = suburbs[pickSuburb(r)]!;
  return {
    street_number: String(Math.floor(250 * r.next() ** 2) + 1),
    address_1: `${streetName(r)} ${r.pick(streetTypes)}`,
    address_2: r.chance(0.5) ? r.pick(buildingNames) : '',
    suburb: place.suburb,
    postcode: place.postcode,
    state: place.state,
  };
}

/** Typographic errors as FEBRL makes them: mostly a neighbouring key, sometimes two keys swapped. */
export function typo(r: Random, value: string, digitsOnly = false): string {
  if (value.length === 0) return value;
  const at = r.int(0, value.length - 1);
  const near = (ch: string) => {
    const options = (keyboardNeighbours[ch] ?? '').split('').filter((c) => !digitsOnly || /\d/.test(c));
    return options.length ? r.pick(options) : digitsOnly ? String(r.int(0, 9)) : r.pick([...'etaoinsr']);
  };
  switch (digitsOnly ? r.pick(['substitute', 'substitute', 'transpose'] as const) : r.pick(typoKinds)) {
    case 'insert':
      return value.slice(0, at) + near(value[at]!) + value.slice(at);
    case 'delete':
      return value.length > 1 ? value.slice(0, at) + value.slice(at + 1) : value;
    case 'substitute':
      return value.slice(0, at) + near(value[at]!) + value.slice(at + 1);
    case 'transpose': {
      const i = Math.min(at, value.length - 2);
      if (i < 0 || value[i] === value[i + 1])
        return value.slice(0, at) + near(value[at]!) + value.slice(at + 1);
      return value.slice(0, i) + value[i + 1] + value[i] + value.slice(i + 2);
    }
  }
}
const typoKinds = ['substitute', 'substitute', 'delete', 'insert', 'transpose'] as const;

/** The ways a duplicate departs from its original, with how often each is chosen. */
const corruptions: {
  name: string;
  weight: number;
  apply: (r: Random, x: LinkageRecord, ctx: Ctx) => void;
}[] = [
  { name: 'typo given name', weight: 16, apply: (r, x) => void (x.given_name = typo(r, x.given_name)) },
  { name: 'typo surname', weight: 16, apply: (r, x) => void (x.surname = typo(r, x.surname)) },
  { name: 'typo street', weight: 9, apply: (r, x) => void (x.address_1 = typo(r, x.address_1)) },
  {
    name: 'typo street number',
    weight: 4,
    apply: (r, x) => void (x.street_number = typo(r, x.street_number, true)),
  },
  { name: 'typo suburb', weight: 8, apply: (r, x) => void (x.suburb = typo(r, x.suburb)) },
  { name: 'typo postcode', weight: 5, apply: (r, x) => void (x.postcode = typo(r, x.postcode, true)) },
  {
    name: 'typo date of birth',
    weight: 6,
    apply: (r, x) => void (x.date_of_birth = typo(r, x.date_of_birth, true)),
  },
  {
    name: 'date of birth day and month swapped',
    weight: 5,
    apply: (r, x) => {
      const [y, m, d] = [x.date_of_birth.slice(0, 4), x.date_of_birth.slice(4, 6), x.date_of_birth.slice(6)];
      if (x.date_of_birth.length === 8 && Number(d) <= 12 && m !== d) x.date_of_birth = `${y}${d}${m}`;
      else x.date_of_birth = typo(r, x.date_of_birth, true);
    },
  },
  {
    name: 'missing value',
    weight: 8,
    apply: (r, x) => void (x[r.pick(valueColumns)] = ''),
  },
  {
    name: 'given name and surname swapped',
    weight: 4,
    apply: (_, x) => void ([x.given_name, x.surname] = [x.surname, x.given_name]),
  },
  {
    name: 'moved',
    weight: 8,
    apply: (r, x, ctx) => void Object.assign(x, address(r, ctx.suburbs, ctx.suburb)),
  },
  { name: 'id mistyped', weight: 2, apply: (r, x) => void (x.soc_sec_id = typo(r, x.soc_sec_id, true)) },
];
const corruptionWeights = corruptions.map((c) => c.weight);
interface Ctx {
  suburbs: ReturnType<typeof suburbTable>;
  suburb: (r: Random) => number;
}

export interface GenerateOptions {
  /** Records in all, originals and duplicates. */
  records: number;
  seed?: number;
  /** The share of records that are duplicates (FEBRL3's is 0.6, FEBRL2's 0.2). */
  duplicateShare?: number;
  /** Corruptions per duplicate, at most (each duplicate has 1 to this many). */
  maxCorruptions?: number;
}

/** The records, originals and their duplicates, in a seeded random order. */
export function generateRecords(options: GenerateOptions): LinkageRecord[] {
  const { records, seed = 1, duplicateShare = 0.4, maxCorruptions = 3 } = options;
  const r = random(seed);
  const suburbs = suburbTable(r);
  const suburbWeights = zipf(suburbs.length, 0.6);
  const ctx: Ctx = { suburbs, suburb: (x) => x.weighted(suburbWeights) };
  const dupWeights = zipf(5, 1);
  const meanDups = dupWeights.reduce((s, w, i) => s + w * (i + 1), 0) / dupWeights.reduce((s, w) => s + w, 0);
  // An original has duplicates with the probability that makes their share come out as asked.
  const hasDuplicates = Math.min(1, duplicateShare / (1 - duplicateShare) / meanDups);
  const ids = new Set<string>();
  const out: LinkageRecord[] = [];
  for (let n = 0; out.length < records; n++) {
    const original = originalRecord(r, n, ctx, ids);
    out.push(original);
    const dups = r.chance(hasDuplicates) ? r.weighted(dupWeights) + 1 : 0;
    for (let k = 0; k < dups && out.length < records; k++) {
      const dup: LinkageRecord = { ...original, rec_id: `rec-${n}-dup-${k}` };
      for (let c = r.int(1, maxCorruptions); c > 0; c--)
        corruptions[r.weighted(corruptionWeights)]!.apply(r, dup, ctx);
      out.push(dup);
    }
  }
  // Fisher–Yates: duplicates are not beside their originals in a real file.
  for (let i = out.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function originalRecord(r: Random, n: number, ctx: Ctx, ids: Set<string>): LinkageRecord {
  let id: string;
  do id = String(r.int(1_000_000, 9_999_999));
  while (ids.has(id));
  ids.add(id);
  const born = new Date(Date.UTC(1920, 0, 1) + Math.floor(r.next() * 86 * 365.25) * 86_400_000);
  const record: LinkageRecord = {
    rec_id: `rec-${n}-org`,
    given_name: r.chance(0.5) ? femaleName(r) : maleName(r),
    surname: r.chance(0.75) ? commonSurname(r) : r.pick(tailSurnames),
    ...address(r, ctx.suburbs, ctx.suburb),
    date_of_birth: `${born.getUTCFullYear()}${pad2(born.getUTCMonth() + 1)}${pad2(born.getUTCDate())}`,
    soc_sec_id: id,
  };
  for (const [column, p] of Object.entries(missingInOriginals))
    if (r.chance(p)) record[column as Column] = '';
  return record;
}

const quote = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
export const toCsv = (records: LinkageRecord[]) =>
  [columns.join(','), ...records.map((x) => columns.map((c) => quote(x[c])).join(','))].join('\n') + '\n';

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string, fallback: string) => {
    const at = process.argv.indexOf(`--${name}`);
    return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
  };
  const csv = toCsv(
    generateRecords({ records: Number(arg('records', '10000')), seed: Number(arg('seed', '1')) }),
  );
  const out = arg('out', '');
  if (out) fs.writeFileSync(out, csv);
  else process.stdout.write(csv);
}
