// How a nested read's statement is composed from cypher/read/ fragments: generated names only, every
// value a parameter, the recipe checked.
import { compactCypher, composeRead, loadCypherFragments } from '../../src/graph/cypher-files.js';

// As the catalog composes them: without their comments.
const fragments = Object.fromEntries(
  Object.entries(loadCypherFragments()).map(([name, text]) => [name, compactCypher(text)]),
);

describe('a composed nested read', () => {
  it('gives each level its own variable, each root its parameters and each relation its entry', () => {
    const text = composeRead(fragments, 'persona-by-key(persona-devices(device-personas)),person-by-id');
    expect(text).toMatch(/^RETURN head\(COLLECT \{ MATCH \(v0:Persona \{key: \$r0_key\}\)/);
    expect(text).toContain('f0: COLLECT { MATCH (v0)-[:USES]->(v1:Device)');
    expect(text).toContain('f0: COLLECT { MATCH (v2:Persona)-[:USES]->(v1)');
    expect(text).toContain('MATCH (v3:Person {id: $r1_id})');
    expect(text).toMatch(/ AS r0, head\(COLLECT .* AS r1$/);
    expect(text).not.toContain('@');
  });

  it('reads the properties a recipe names, in the order the fragment lists them, or all of them', () => {
    const text = composeRead(
      fragments,
      'personas-by-keys[label,key](persona-identifiers[type,value],persona-devices)',
    );
    expect(text).toContain('RETURN v0 {.key, .label , f0: COLLECT');
    expect(text).toContain('RETURN v1 {.type, .value }');
    expect(text).toContain('RETURN v2 {.id, .kind }');
    expect(() => composeRead(fragments, 'personas-by-keys[password]')).toThrow(/does not read 'password'/);
    expect(() => composeRead(fragments, 'personas-by-keys[key}) RETURN 1 //]')).toThrow(/Malformed/);
  });

  it('refuses a recipe naming no fragment, or malformed', () => {
    expect(() => composeRead(fragments, 'persona-by-key(no-such-fragment)')).toThrow(/no-such-fragment/);
    expect(() => composeRead(fragments, 'statement')).toThrow(/statement/);
    expect(() => composeRead(fragments, 'persona-by-key(persona-devices')).toThrow(/Unclosed/);
    expect(() => composeRead(fragments, "persona-by-key'}) RETURN 1")).toThrow(/Unexpected/);
  });
});
