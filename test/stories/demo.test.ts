// The demo dataset tells the six stories, and the README's example queries answer as documented.
import { randomInt } from 'node:crypto';
import { loadDemoData } from '../../src/cli/demo-data.js';
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { phoneFor, resolve } from '../helpers/operations.js';

let api: TestApi;
const prefix = uniqueTag('demo');
const seed = randomInt(0, 5_000_000);
const phones = [0, 1, 2, 3, 4].map((i) => phoneFor(seed + i)) as [string, string, string, string, string];

beforeAll(async () => {
  api = await startTestApi();
  await loadDemoData(api.db.graph, api.config, () => {}, { prefix, phones });
});
afterAll(async () => {
  await api.close();
});

describe('the demo dataset', () => {
  it('loads every story and ignores only the placeholder phone number', async () => {
    const again = await loadDemoData(api.db.graph, api.config, () => {}, { prefix, phones });
    expect(again).toMatchObject({ accepted: 0, duplicates: 20, rejected: [] });
    expect(again.ignored.map((i) => i.value)).toEqual(['0000000000']);
  });

  it('routes the side-business promotion to the side-business email (README example)', async () => {
    const r = await resolve(
      api,
      { type: 'email', value: `joe@office.${prefix}.example` },
      `${prefix}-side-promo`,
    );
    expect(r.contact?.value).toBe(`joe@side-hustle.${prefix}.example`);
  });

  it("sends Julia's job offers only to her personal address (README example)", async () => {
    const work = await resolve(
      api,
      { type: 'email', value: `julia@corp.${prefix}.example` },
      `${prefix}-job-alerts`,
    );
    const home = await resolve(
      api,
      { type: 'email', value: `julia@home.${prefix}.example` },
      `${prefix}-job-alerts`,
    );
    expect(work.contact).toBeNull();
    expect(home.contact?.value).toBe(`julia@home.${prefix}.example`);
  });

  it("shows Sam's allergy from the other account (README example)", async () => {
    const r = await resolve(
      api,
      { type: 'email', value: `sam.b@mail.${prefix}.example` },
      `${prefix}-order-preparation`,
    );
    expect(r.facts.map((f) => [f.key, f.value])).toEqual([['allergy', 'peanuts']]);
  });

  it('sends the trip reminder to the guest email and the code to the shared 2FA phone', async () => {
    const trip = await resolve(
      api,
      { type: 'email', value: `anne.personal@mail.${prefix}.example` },
      `${prefix}-trip-reminder`,
    );
    expect(trip.contact?.value).toBe(`anne.personal@mail.${prefix}.example`);
    const code = await resolve(api, { type: 'phone', value: phones[3] }, `${prefix}-two-factor`);
    expect(code.contact?.type).toBe('phone');
    const notice = await resolve(api, { type: 'phone', value: phones[3] }, `${prefix}-client-notice`);
    expect(notice.suppressions.map((s) => s.code)).toEqual(['AMBIGUOUS']);
  });
});
