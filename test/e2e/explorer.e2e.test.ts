// The identity explorer in a real browser (Debian's Chromium, driven by playwright-core): search Joe,
// see his three personas, resolve the side-business promotion with its path, then detach his loyalty
// card from the persona an admin chooses and watch the graph recompute through the change feed.
// Screenshots go to test-results/explorer/.
import fs from 'node:fs';
import path from 'node:path';
import type { Core } from 'cytoscape';
import type { Browser, Page } from 'playwright-core';
import { loadDemoData } from '../../src/cli/demo-data.js';
import { projectRoot } from '../../src/config.js';
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { openPage } from '../helpers/browser.js';
import { dataOf, demoPhones } from '../helpers/operations.js';

const shots = path.join(projectRoot, 'test-results/explorer');
const prefix = uniqueTag('explorer');
let api: TestApi;
let browser: Browser;
let page: Page;
/** The ids of Joe's graph, as the API gives them. */
let ids: { person: string; office: string; personal: string; side: string; anchor: string; contact: string };

/** The page's graph (explorer/main.ts puts it on window). */
type WithExplorer = { explorer: { cy: Core } };
/** The ids of the graph's elements carrying a class, sorted. */
const marked = (className: string) =>
  page.evaluate(
    (c) =>
      (globalThis as unknown as WithExplorer).explorer.cy
        .elements(`.${c}`)
        .map((e) => e.id())
        .sort(),
    className,
  );
/** A node's computed size and outline. */
const sizeOf = (id: string) =>
  page.evaluate((nodeId) => {
    const node = (globalThis as unknown as WithExplorer).explorer.cy.getElementById(nodeId);
    return {
      width: node.style('width') as string,
      height: node.style('height') as string,
      outline: node.style('outline-width') as string,
    };
  }, id);
const optionsOf = (selector: string) =>
  page.$$eval(`${selector} option`, (options) => options.map((o) => o.textContent));

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  api = await startTestApi();
  await loadDemoData(api.db.graph, api.config, () => {}, { prefix, phones: demoPhones() });
  const found = dataOf(
    await api.gql<{
      office: { id: string; person: { id: string } };
      personal: { id: string };
      side: { id: string };
      anchor: { id: string };
      contact: { id: string };
    }>(
      `query ($office: String!, $personal: String!, $side: String!, $anchor: String!, $contact: String!) {
        office: persona(key: $office) { id person { id } }
        personal: persona(key: $personal) { id }
        side: persona(key: $side) { id }
        anchor: identifier(type: "email", value: $anchor) { id }
        contact: identifier(type: "email", value: $contact) { id }
      }`,
      {
        office: `${prefix}:store:joe-office`,
        personal: `${prefix}:store:joe-personal`,
        side: `${prefix}:store:joe-side`,
        anchor: `joe@office.${prefix}.example`,
        contact: `joe@side-hustle.${prefix}.example`,
      },
    ),
  );
  ids = {
    person: found.office.person.id,
    office: found.office.id,
    personal: found.personal.id,
    side: found.side.id,
    anchor: found.anchor.id,
    contact: found.contact.id,
  };
  ({ browser, page } = await openPage());
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

  it('highlights only the path from the office address to the side-business contact: through the person, not every edge of the personas in scope', async () => {
    const { person, office, side, anchor, contact } = ids;
    expect(await marked('path')).toEqual(
      [
        anchor,
        office,
        person,
        side,
        contact,
        `${office}->${anchor}`,
        `${person}->${office}`,
        `${person}->${side}`,
        `${side}->${contact}`,
      ].sort(),
    );
    expect(await marked('contact')).toEqual([contact]);
    expect(await marked('scope')).toEqual([side]);
    expect(await marked('selected')).toEqual([anchor]);
  });

  it('marks highlighted nodes with an outline and keeps their size', async () => {
    // The picked anchor and the personas on the path, against nodes of the same kinds left alone.
    expect(await sizeOf(ids.anchor)).toEqual({ width: '30px', height: '30px', outline: '4px' });
    expect(await sizeOf(ids.office)).toEqual({ width: '36px', height: '36px', outline: '4px' });
    expect(await sizeOf(ids.side)).toEqual({ width: '36px', height: '36px', outline: '4px' });
    expect(await sizeOf(ids.personal)).toEqual({ width: '36px', height: '36px', outline: '0px' });
  });

  it('has a legend for every kind of node, edge and highlight', async () => {
    expect(await page.$$eval('#legend li', (items) => items.map((i) => i.textContent))).toEqual([
      'person',
      'persona, personal',
      'persona, work',
      'persona, business',
      'persona, family',
      'persona, other',
      'identifier',
      'shared identifier (never links personas)',
      'device',
      'membership, STRONG',
      'membership WEAK, or device',
      'picked identifier',
      'path from the picked identifier to the contact',
      'edge on that path',
      'contact',
      'persona in scope of the use case',
    ]);
    await page.locator('#legend').screenshot({ path: path.join(shots, 'legend.png') });
  });

  it('lists both personas holding the loyalty card and detaches it from the one the admin chooses', async () => {
    await page.click(`#identifiers >> text=loyalty ${prefix}-card-7781`);
    expect(await optionsOf('#detach-from')).toEqual([
      'choose the persona',
      `${prefix}:store:joe-personal (Personal Joe)`,
      `${prefix}:store:joe-side (Side-hustle Joe)`,
    ]);
    await page.fill('#reason', 'the card was lent to a friend');
    await page.click('#detach');
    expect(await page.textContent('#status')).toBe('Choose the persona to detach it from');
    await page.selectOption('#detach-from', { label: `${prefix}:store:joe-side (Side-hustle Joe)` });
    await page.click('#detach');
    // Office and personal Joe stay one person (asserted at the store desk); side-hustle Joe leaves.
    await page.waitForSelector('body[data-personas="2"]', { timeout: 30_000 });
    await page.screenshot({ path: path.join(shots, 'after-detach.png') });
    expect(Number(await page.getAttribute('body', 'data-updates'))).toBeGreaterThanOrEqual(1);
    // Personal Joe keeps the card, so it stays on screen, picked, with one holder left.
    expect(await optionsOf('#detach-from')).toEqual([`${prefix}:store:joe-personal (Personal Joe)`]);
    const card = dataOf(
      await api.gql<{ identifier: { memberships: { persona: { id: string }; endedBy: string | null }[] } }>(
        'query ($v: String!) { identifier(type: "loyalty", value: $v) { memberships { persona { id } endedBy } } }',
        { v: `${prefix}-card-7781` },
      ),
    ).identifier;
    expect(card.memberships).toEqual([
      { persona: { id: ids.personal }, endedBy: null },
      { persona: { id: ids.side }, endedBy: 'DETACHED' },
    ]);
  });
});
