// The pure rules of customer knowledge: the template language and what a fact key allows.
import { factValueProblem, valuesOf } from '../../src/profile/facts.js';
import { parseTaxonomyFile } from '../../src/profile/taxonomy-file.js';
import { displayValue, parseTemplate } from '../../src/profile/template.js';

describe('templates', () => {
  it('splits text and holes, with and without fallbacks', () => {
    expect(parseTemplate('Dear {{first_name|customer}}, your {{ plan }} is ready.')).toEqual([
      { text: 'Dear ' },
      { key: 'first_name', fallback: 'customer' },
      { text: ', your ' },
      { key: 'plan', fallback: null },
      { text: ' is ready.' },
    ]);
  });

  it('keeps single braces as text and refuses what is not a hole', () => {
    expect(parseTemplate('{a} {{x|}}')).toEqual([{ text: '{a} ' }, { key: 'x', fallback: '' }]);
    expect(() => parseTemplate('{{first name}}')).toThrow(
      '"{{first name}}" at character 0 is not a hole: write {{fact_key}} or {{fact_key|fallback}}',
    );
    expect(() => parseTemplate('{{a {{b}}')).toThrow(
      'unbalanced braces: "{{" at character 0 is opened again before it closes',
    );
  });

  it('shows lists joined by commas and other JSON as written', () => {
    expect(displayValue(['shipping', 'customs'])).toBe('shipping, customs');
    expect(displayValue(40)).toBe('40');
  });
});

describe('fact keys', () => {
  const key = (
    type: 'STRING' | 'NUMBER' | 'BOOLEAN' | 'DATE' | 'ENUM' | 'LIST',
    allowedValues: string[] | null = null,
  ) => ({
    key: 'k',
    label: null,
    type,
    allowedValues,
    sensitive: false,
  });

  it('accepts values of the type and refuses others, saying what was expected', () => {
    expect(factValueProblem(key('NUMBER'), 12.5)).toBeNull();
    expect(factValueProblem(key('NUMBER'), '12')).toBe('k expects a number, not "12"');
    expect(factValueProblem(key('BOOLEAN'), 'yes')).toBe('k expects true or false, not "yes"');
    expect(factValueProblem(key('DATE'), '1990-04-01')).toBeNull();
    expect(factValueProblem(key('DATE'), '1990-13-45')).toBe(
      'k expects an ISO-8601 date such as "1990-04-01", not "1990-13-45"',
    );
    expect(factValueProblem(key('ENUM', ['a', 'b']), 'c')).toBe('k expects one of "a", "b", not "c"');
    expect(factValueProblem(key('LIST', ['a', 'b']), 'a')).toBeNull();
    expect(factValueProblem(key('LIST', ['a', 'b']), ['a', 'c'])).toBe(
      'k expects values among "a", "b", not ["a","c"]',
    );
    expect(factValueProblem(key('LIST'), 42)).toBe('k expects a list of strings, not 42');
  });

  it('reads a list answer as its items for follow-up conditions', () => {
    expect(valuesOf(['shipping', 'customs'])).toEqual(['shipping', 'customs']);
    expect(valuesOf('freight')).toEqual(['freight']);
  });
});

describe('taxonomy files', () => {
  it('reads a spreadsheet with quoted cells and lists of topics', () => {
    const file = parseTaxonomyFile(
      'kind,code,name,channel,campaign,topics\r\ncampaign,C1,"Offer, winter",email,,freight;shipping\r\nasset,A1,Banner,,C1,\r\n',
      'codes.csv',
    );
    expect(file.campaigns).toEqual([
      { code: 'C1', name: 'Offer, winter', channel: 'EMAIL', topics: ['freight', 'shipping'] },
    ]);
    expect(file.assets).toEqual([{ code: 'A1', name: 'Banner', campaign: 'C1', topics: [] }]);
  });

  it('names the line of an unknown kind', () => {
    expect(() => parseTaxonomyFile('kind,code,name\nsegment,S,Seg\n', 'x.csv')).toThrow(
      'line 2: kind must be campaign, asset or term, not "segment"',
    );
  });
});
