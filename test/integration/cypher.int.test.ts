// Every statement in cypher/ compiles against the real database: a typo fails here, not in a request.
import {
  loadCypherCatalog,
  loadCypherFragments,
  loadCypherSources,
  loadMigrations,
} from '../../src/graph/cypher-files.js';
import { startTestApi, type TestApi } from '../helpers/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

const catalog = loadCypherCatalog();
const sources = loadCypherSources();

describe('cypher/', () => {
  it.each(
    Object.keys(catalog).filter((name) => !catalog[name]!.match(/^\s*(CREATE|DROP) (CONSTRAINT|INDEX)/m)),
  )('%s is valid Cypher', async (name) => {
    await expect(api.db.graph.runText(`EXPLAIN ${catalog[name]}`, {}, 'READ')).resolves.toBeDefined();
  });

  it('documents its parameters in a header comment in every file', () => {
    for (const [name, text] of Object.entries(sources)) {
      expect([name, text.split('\n')[0]!.startsWith('//')]).toEqual([name, true]);
      const params = new Set([...text.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
      const header = text
        .split('\n')
        .filter((l) => l.startsWith('//'))
        .join('\n');
      for (const param of params) expect([name, header.includes(`$${param}`)]).toEqual([name, true]);
    }
  });

  it('composes every fragment in read/ into valid Cypher, parameters documented in each header', async () => {
    const fragments = loadCypherFragments();
    // Every relation once, nested as a read may nest them, below every root.
    const recipe = [
      'personas-by-keys(persona-identifiers(identifier-personas,identifier-devices(device-identifiers),identifier-memberships(persona-person(person-personas))),persona-devices(device-personas),persona-facts,persona-consents(consent-identifier))',
      'persona-by-key',
      'persona-by-id',
      'person-by-id(person-personas)',
      'identifier-by-key',
    ].join(',');
    const used = new Set(['statement', ...recipe.split(/[(),]/).filter(Boolean)]);
    expect([...used].sort()).toEqual(Object.keys(fragments).sort());
    await expect(
      api.db.graph.runText(`EXPLAIN ${catalog[`read:${recipe}`]}`, {}, 'READ'),
    ).resolves.toBeDefined();
    for (const [name, text] of Object.entries(fragments)) {
      expect([name, text.split('\n')[0]!.startsWith('//')]).toEqual([name, true]);
      const header = text
        .split('\n')
        .filter((l) => l.startsWith('//'))
        .join('\n');
      for (const [param] of text.matchAll(/\$@root_\w+/g))
        expect([name, header.includes(param)]).toEqual([name, true]);
    }
  });

  it('has numbered migrations that apply in order', () => {
    const names = loadMigrations().map((m) => m.name);
    expect(names).toEqual([...names].sort());
    expect(names.every((n) => /^\d{3}-[a-z0-9-]+$/.test(n))).toBe(true);
  });
});
