// Link suggestions without asking: once a matching model is trained, `serve` scores the personas an
// ingest created or changed against their blocks in the background, so a new record of someone the
// graph already holds is suggested within seconds. And `idgraph suggest --train` runs a whole pass from
// the command line with progress lines and a JSON summary. The registry is bench/linkage's generated
// people plus Jessica Whitfield; her second record (surname's letters swapped, id mistyped) arrives
// after training. On a quiet database: the matching model is one for the whole graph.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { generateRecords, type LinkageRecord } from '../../bench/linkage/generate.js';
import { eventOf, idType, matchingModel, personaKey } from '../../bench/linkage/records.js';
import { projectRoot } from '../../src/config.js';
import { jessicaWhitfield, twice } from '../helpers/linkage.js';
import { startTestApiOnQuietDatabase, type TestApi } from '../helpers/api.js';
import { dataOf, ingest } from '../helpers/operations.js';

const [jessica, again] = twice(900_001, jessicaWhitfield.record, jessicaWhitfield.typos);
const registry = [...generateRecords({ records: 200, seed: 7 }), jessica];
let api: TestApi;

interface Suggested {
  id: string;
  status: string;
  personas: { id: string }[];
}
const SUGGESTIONS = /* GraphQL */ `
  query ($key: String!) {
    persona(key: $key) {
      id
      suggestions {
        id
        status
        personas {
          id
        }
      }
    }
  }
`;
const suggestionsOf = async (record: LinkageRecord) =>
  dataOf(
    await api.gql<{ persona: { id: string; suggestions: Suggested[] } }>(SUGGESTIONS, {
      key: personaKey(record),
    }),
  ).persona;

beforeAll(async () => {
  api = await startTestApiOnQuietDatabase({ MATCHING_INCREMENTAL_MS: '300' });
  dataOf(
    await api.gql('mutation ($t: IdentifierTypeInput!) { defineIdentifierType(input: $t) { name } }', {
      t: idType,
    }),
  );
  expect((await ingest(api, registry.map(eventOf))).rejected).toEqual([]);
  dataOf(
    await api.gql('mutation ($m: MatchingInput!) { defineMatching(input: $m) { threshold } }', {
      m: { ...matchingModel, threshold: 0.9 },
    }),
  );
  dataOf(await api.gql('mutation { suggestLinks(input: { train: true }) { suggested } }'));
}, 240_000);
afterAll(async () => {
  await api?.close();
});

describe('incremental link suggestions', () => {
  it("suggests a newly ingested persona's pair with the existing one within seconds, without a pass", async () => {
    const first = await suggestionsOf(jessica);
    expect(first.suggestions).toEqual([]);
    const started = Date.now();
    expect((await ingest(api, [eventOf(again)])).rejected).toEqual([]);
    let second = await suggestionsOf(again);
    while (second.suggestions.length === 0 && Date.now() - started < 15_000) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      second = await suggestionsOf(again);
    }
    // Only a recorded training lets the background score (it never trains): this also checks it was recorded.
    console.log(`incremental suggestion visible ${Date.now() - started} ms after the ingest was sent`);
    expect(
      second.suggestions.map((s) => ({ status: s.status, personas: s.personas.map((p) => p.id).sort() })),
    ).toEqual([{ status: 'OPEN', personas: [first.id, second.id].sort() }]);
    expect((await suggestionsOf(jessica)).suggestions.map((s) => s.id)).toEqual([second.suggestions[0]!.id]);
  });

  it('idgraph suggest --train runs a whole pass with progress lines and a JSON summary, keeping the open pair', async () => {
    const before = await suggestionsOf(again);
    const { uri, user, password } = api.config.neo4j;
    const result = spawnSync(
      process.execPath,
      [path.join(projectRoot, 'dist/cli/idgraph.js'), 'suggest', '--train'],
      {
        env: {
          ...process.env,
          NODE_ENV: 'production',
          NEO4J_URI: uri,
          NEO4J_USER: user,
          NEO4J_PASSWORD: password,
        },
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(result.status).toBe(0);
    const progress = result.stderr.split('\n').filter((line) => line.startsWith('suggest: '));
    const stdout = result.stdout.trim().split('\n');
    const summary = JSON.parse(stdout[stdout.length - 1]!) as {
      candidates: number;
      suggested: number;
      seconds: number;
    };
    // Every persona read and trained on, the kept pairs stored, and the last line's figures the summary's.
    expect(progress[0]).toMatch(
      /^suggest: trained on 202 persona\(s\) and \d+ candidate pair\(s\); prior match probability 0\.\d+$/,
    );
    expect(progress.slice(1, -1).every((line) => /^suggest: kept \d+ of \d+ pair\(s\)$/.test(line))).toBe(
      true,
    );
    expect(progress[progress.length - 1]).toBe(
      `suggest: ${summary.candidates} candidate pair(s), ${summary.suggested} new suggestion(s) in ${summary.seconds.toFixed(1)} s`,
    );
    expect(summary.candidates).toBeGreaterThan(0);
    // The pair already suggested is kept open, not suggested anew.
    expect((await suggestionsOf(again)).suggestions).toEqual(before.suggestions);
  }, 150_000);
});
