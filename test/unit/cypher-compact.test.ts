// The statements the API sends are its files without comments and with whitespace collapsed; what a
// string literal or an escaped name holds is sent exactly as written.
import { compactCypher, loadCypherCatalog, loadCypherSources } from '../../src/graph/cypher-files.js';

describe('the Cypher the API sends', () => {
  it('drops line and block comments and collapses whitespace between tokens', () => {
    const source = [
      '// $key: String',
      'MATCH (p:Persona {key: $key})   // the persona',
      '/* a block',
      '   comment */ RETURN p',
      '',
    ].join('\n');
    expect(compactCypher(source)).toBe('MATCH (p:Persona {key: $key}) RETURN p');
  });

  it('keeps string literals and escaped names as written, comment markers and spaces included', () => {
    const source = `RETURN 'http://a  b' AS url, "x // y" AS text, 'it\\'s  // here' AS quoted, \`odd  // name\` AS n // gone`;
    expect(compactCypher(source)).toBe(
      `RETURN 'http://a  b' AS url, "x // y" AS text, 'it\\'s  // here' AS quoted, \`odd  // name\` AS n`,
    );
  });

  it('sends every catalog statement without its header comment and no longer than its file', () => {
    const sources = loadCypherSources();
    const catalog = loadCypherCatalog();
    expect(Object.keys(catalog)).toEqual(Object.keys(sources));
    for (const [name, text] of Object.entries(catalog)) {
      expect([name, text.includes('\n'), text.startsWith('//')]).toEqual([name, false, false]);
      expect(text.length).toBeLessThan(sources[name]!.length);
    }
  });
});

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
