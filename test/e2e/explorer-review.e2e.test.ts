// The explorer's review queue in a real browser: a registry of generated people (bench/linkage's
// generator) plus Jessica Whitfield entered twice, the second time with her surname's letters swapped
// and her id mistyped, so exact evidence keeps her two records apart and the trained model suggests
// them. The queue lists the suggestion, shows the pair side by side with a waterfall of its weights,
// and a SAME with a reason groups the two records and takes the suggestion off the queue.
// On a database of its own (the matching model is one for the whole graph). Screenshots go to
// test-results/explorer/.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { generateRecords } from '../../bench/linkage/generate.js';
import { eventOf, idType, matchingModel, personaKey } from '../../bench/linkage/records.js';
import { projectRoot } from '../../src/config.js';
import { jessicaWhitfield, twice } from '../helpers/linkage.js';
import { startTestApiOnQuietDatabase, type TestApi } from '../helpers/api.js';
import { openPage } from '../helpers/browser.js';
import { dataOf, ingest } from '../helpers/operations.js';

const shots = path.join(projectRoot, 'test-results/explorer');
const [jessica, again] = twice(900_001, jessicaWhitfield.record, jessicaWhitfield.typos);
let api: TestApi;
let browser: Browser;
let page: Page;
let ids: { first: string; second: string; suggestion: string };

interface PersonaSuggestions {
  id: string;
  person: { id: string };
  suggestions: { id: string; probability: number; personas: { id: string }[] }[];
}
const PAIR = /* GraphQL */ `
  query ($first: String!, $second: String!) {
    first: persona(key: $first) {
      id
      person {
        id
      }
      suggestions {
        id
        probability
        personas {
          id
        }
      }
    }
    second: persona(key: $second) {
      id
      person {
        id
      }
      suggestions {
        id
        probability
        personas {
          id
        }
      }
    }
  }
`;
const pair = async () =>
  dataOf(
    await api.gql<{ first: PersonaSuggestions; second: PersonaSuggestions }>(PAIR, {
      first: personaKey(jessica),
      second: personaKey(again),
    }),
  );

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  api = await startTestApiOnQuietDatabase();
  dataOf(
    await api.gql('mutation ($t: IdentifierTypeInput!) { defineIdentifierType(input: $t) { name } }', {
      t: idType,
    }),
  );
  const records = [...generateRecords({ records: 200, seed: 7 }), jessica, again];
  for (let at = 0; at < records.length; at += 200) {
    const result = await ingest(api, records.slice(at, at + 200).map(eventOf));
    expect(result.rejected).toEqual([]);
  }
  dataOf(
    await api.gql('mutation ($m: MatchingInput!) { defineMatching(input: $m) { threshold } }', {
      m: { ...matchingModel, threshold: 0.9 },
    }),
  );
  dataOf(await api.gql('mutation { suggestLinks(input: { train: true }) { suggested } }'));
  const { first, second } = await pair();
  const between = first.suggestions.find((s) => s.personas.some((p) => p.id === second.id));
  if (!between) throw new Error(`Jessica's records were not suggested: ${JSON.stringify(first)}`);
  ids = { first: first.id, second: second.id, suggestion: between.id };
  ({ browser, page } = await openPage());
}, 480_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

/** The probabilities the queue lists, in its order. */
const listed = () =>
  page.$$eval('#suggestions li', (items) => items.map((i) => Number(i.textContent!.split(' ')[0])));

describe("the explorer's review queue", () => {
  it('lists the open suggestions most probable first and shows the chosen pair side by side', async () => {
    await page.goto(api.url.replace(/\/graphql$/, '/explorer/'));
    await page.click('#view-review');
    await page.waitForSelector('body[data-suggestions]');
    const probabilities = await listed();
    expect(probabilities.length).toBeGreaterThan(0);
    expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));
    await page.click(`#suggestions li[data-suggestion="${ids.suggestion}"]`);
    expect(await page.$$eval('#pair .persona-card h3', (h) => h.map((x) => x.textContent).sort())).toEqual(
      [personaKey(again), personaKey(jessica)].sort(),
    );
    expect(await page.textContent('#pair')).toContain('surname: whitfeild');
    expect(await page.textContent('#pair')).toContain('ssid 9100002');
    const surname = await page.$$eval('#pair-comparisons tr[data-field="surname"] td', (cells) =>
      cells.map((c) => c.textContent),
    );
    expect([surname[1], surname[2]].sort()).toEqual(['whitfeild', 'whitfield']);
    expect(surname[3]).toBe('close');
    await page.screenshot({ path: path.join(shots, 'review-pair.png') });
  });

  it('draws a waterfall with a bar per comparison between the prior and the total, adding up to the match weight', async () => {
    const bars = await page.$$eval('#waterfall g.bar', (gs) =>
      gs.map((g) => ({ label: g.getAttribute('data-label'), weight: Number(g.getAttribute('data-weight')) })),
    );
    expect(bars.map((b) => b.label)).toEqual([
      'prior',
      'given_name (exact)',
      'surname (close)',
      'date_of_birth (exact)',
      'street (exact)',
      'suburb (exact)',
      'postcode (exact)',
      'ssid (close)',
      'match weight',
    ]);
    const parts = bars.slice(0, -1).reduce((sum, b) => sum + b.weight, 0);
    expect(Math.abs(parts - bars.at(-1)!.weight)).toBeLessThan(0.01);
    await page.locator('#waterfall').screenshot({ path: path.join(shots, 'review-waterfall.png') });
  });

  it('asks for a reason, then records SAME: the suggestion leaves the queue and the two records are one person', async () => {
    await page.click('#same');
    expect(await page.textContent('#status')).toBe('Give a reason for the verdict');
    await page.fill('#review-reason', 'same birth date and address; surname and id mistyped');
    await page.click('#same');
    await page.waitForSelector('#status >> text=/^SAME: /');
    expect(await page.$(`#suggestions li[data-suggestion="${ids.suggestion}"]`)).toBeNull();
    const after = await pair();
    expect(after.first.person.id).toBe(after.second.person.id);
    expect(after.first.suggestions.filter((s) => s.id === ids.suggestion)).toEqual([]);
    const reviewed = dataOf(
      await api.gql<{ suggestions: { edges: { node: { id: string; reason: string } }[] } }>(
        '{ suggestions(status: SAME, first: 500) { edges { node { id reason } } } }',
      ),
    ).suggestions.edges.map((e) => e.node);
    expect(reviewed).toEqual([
      { id: ids.suggestion, reason: 'same birth date and address; surname and id mistyped' },
    ]);
    await page.screenshot({ path: path.join(shots, 'review-after-same.png') });
  });
});
