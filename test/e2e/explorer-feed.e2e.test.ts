// The explorer's live feed where the service has API keys, as the README has a new user do it: open the
// page, then type the key. The feed refused without a key must say so on the page and connect again
// once the key is typed, so an event ingested afterwards redraws the person on screen.
import type { Browser, Page } from 'playwright-core';
import { loadDemoData } from '../../src/cli/demo-data.js';
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { openPage } from '../helpers/browser.js';
import { dataOf, demoPhones, INGEST } from '../helpers/operations.js';

const key = 'explorer-feed-admin';
const prefix = uniqueTag('explorer-feed');
let api: TestApi;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  api = await startTestApi({ API_KEYS: `${key}=admin` });
  await loadDemoData(api.db.graph, api.config, () => {}, { prefix, phones: demoPhones() });
  ({ browser, page } = await openPage());
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

const feedText = () => page.textContent('#feed');

describe('the explorer live feed with API keys', () => {
  it('says the feed is not connected, and why, while no key is typed', async () => {
    await page.goto(api.url.replace(/\/graphql$/, '/explorer/'));
    await page.waitForSelector('#feed.failed');
    expect(await feedText()).toBe('live feed: unauthenticated — enter an API key');
    expect(await page.isVisible('#feed')).toBe(true);
  });

  it('says an unknown key was refused', async () => {
    await page.fill('#key', 'not-a-key');
    await page.press('#key', 'Enter');
    await page.waitForSelector('#feed.failed >> text=the API key was refused');
    expect(await feedText()).toBe('live feed: unauthenticated — the API key was refused');
  });

  it('connects once the key is typed after the page loaded, and redraws Joe when an ingested event adds to him', async () => {
    await page.fill('#key', key);
    await page.press('#key', 'Enter');
    await page.waitForSelector('#feed.connected');
    expect(await feedText()).toBe('live feed: connected');
    await page.fill('#search', `joe@office.${prefix}`);
    await page.click('#go');
    await page.click(`text=${prefix}:store:joe-office`);
    await page.waitForSelector('body[data-personas="3"]');
    expect(await page.getAttribute('body', 'data-updates')).toBeNull();

    const result = dataOf(
      await api.gql<{ ingest: { accepted: number } }>(
        INGEST,
        {
          events: [
            {
              id: `${prefix}-joe-office-new-address`,
              type: 'login',
              occurredAt: new Date().toISOString(),
              source: 'web',
              channel: 'WEB',
              actor: {
                persona: { key: `${prefix}:store:joe-office`, context: 'WORK' },
                identifiers: [{ type: 'email', value: `joe.new@office.${prefix}.example` }],
                authenticated: true,
              },
            },
          ],
        },
        { key },
      ),
    );
    expect(result.ingest.accepted).toBe(1);
    await page.waitForSelector(`#identifiers >> text=email joe.new@office.${prefix}.example`, {
      timeout: 30_000,
    });
    expect(Number(await page.getAttribute('body', 'data-updates'))).toBeGreaterThanOrEqual(1);
  });
});
