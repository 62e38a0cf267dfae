// The identity explorer in a real browser (Debian's Chromium, driven by playwright-core): search Joe,
// see his three personas, resolve the side-business promotion with its path, then detach his loyalty
// card as an admin and watch the graph recompute through the change feed. Screenshots go to
// test-results/explorer/.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { loadDemoData } from '../../src/cli/demo-data.js';
import { projectRoot } from '../../src/config.js';
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { launchChromium } from '../helpers/browser.js';
import { demoPhones } from '../helpers/operations.js';

const shots = path.join(projectRoot, 'test-results/explorer');
const prefix = uniqueTag('explorer');
let api: TestApi;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  api = await startTestApi();
  await loadDemoData(api.db.graph, api.config, () => {}, { prefix, phones: demoPhones() });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe('the identity explorer', () => {
  it('finds Joe, shows his three personas, and resolves the side-business promotion to his side-business address', async () => {
    await page.goto(api.url.replace(/\/graphql$/, '/explorer/'));
    await page.fill('#search', `joe@office.${prefix}`);
    await page.click('#go');
    await page.click(`text=${prefix}:store:joe-office`);
    await page.waitForSelector('body[data-personas="3"]');
    await page.screenshot({ path: path.join(shots, 'joe.png') });
    await page.click(`#identifiers >> text=email joe@office.${prefix}.example`);
    await page.selectOption('#use-case', `${prefix}-side-promo`);
    await page.click('#resolve');
    await page.waitForSelector(`#resolution >> text=Contact: email joe@side-hustle.${prefix}.example`);
    await page.screenshot({ path: path.join(shots, 'side-promo.png') });
    expect(await page.textContent('#resolution')).toContain('contact.choice');
  });

  it('detaches the loyalty card as an admin and redraws the person from the change feed', async () => {
    await page.click(`#identifiers >> text=loyalty ${prefix}-card-7781`);
    await page.fill('#reason', 'the card was lent to a friend');
    await page.click('#detach');
    // Office and personal Joe stay one person (asserted at the store desk); side-hustle Joe leaves.
    await page.waitForSelector('body[data-personas="2"]', { timeout: 30_000 });
    await page.screenshot({ path: path.join(shots, 'after-detach.png') });
    expect(Number(await page.getAttribute('body', 'data-updates'))).toBeGreaterThanOrEqual(1);
  });
});
