// People entered twice for the suggestion tests: an original record and its duplicate with a typo or
// two, keyed by rec_id as the linkage bench keys them (bench/linkage/records.ts).
import type { LinkageRecord } from '../../bench/linkage/generate.js';

/** `record` as `rec-<n>-org` and again, with `typos`, as `rec-<n>-dup-0`. */
export function twice(n: number, record: Omit<LinkageRecord, 'rec_id'>, typos: Partial<LinkageRecord>) {
  const original: LinkageRecord = { ...record, rec_id: `rec-${n}-org` };
  return [original, { ...original, ...typos, rec_id: `rec-${n}-dup-0` }] as const;
}

/** Jessica Whitfield, whose duplicate swaps two letters of her surname and mistypes her id. */
export const jessicaWhitfield = {
  record: {
    given_name: 'jessica',
    surname: 'whitfield',
    street_number: '14',
    address_1: 'banksia crescent',
    address_2: '',
    suburb: 'glendale',
    postcode: '2250',
    state: 'nsw',
    date_of_birth: '19840721',
    soc_sec_id: '9100001',
  },
  typos: { surname: 'whitfeild', soc_sec_id: '9100002' },
};
