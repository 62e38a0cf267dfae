// How cypher/ looks identifiers up: checked on the files, since a plan that scans shows only once the
// graph's statistics make the planner choose it.
import { loadCypherSources } from '../../src/graph/cypher-files.js';

describe('identifier lookups in cypher/', () => {
  // Identifier has two indexes that fit {type, value}: its key and Identifier.value (for search). Planned
  // on a few thousand events, ingest's lookups from rows became scans of the second, once per row
  // (1.0M db hits a batch instead of 12k). A lookup from a parameter is always a seek.
  it('names the key index wherever an identifier is looked up from a row', () => {
    const unhinted: string[] = [];
    for (const [name, text] of Object.entries(loadCypherSources())) {
      const lookup = /MATCH \((\w+):Identifier \{type: (?!\$)[\w.]+, value: [\w.]+\}\)[^\n]*(\n[^\n]*)?/g;
      for (const found of text.matchAll(lookup)) {
        if (!found[0].includes(`USING INDEX SEEK ${found[1]}:Identifier(type, value)`))
          unhinted.push(`${name}: ${found[0].split('\n')[0]!.trim()}`);
      }
    }
    expect(unhinted).toEqual([]);
  });
});
