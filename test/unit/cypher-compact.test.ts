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
