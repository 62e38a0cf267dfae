// One lint config for the whole repo: typescript-eslint's recommended rules, formatting left to Prettier,
// and the architecture's rules that imports cannot show (the import directions: .dependency-cruiser.cjs).
import fs from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// A statement is named by its path under cypher/ without the extension ('identity/ingest-nodes').
const cypherFolders = fs
  .readdirSync(new URL('./cypher/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'schema')
  .map((entry) => entry.name);
const statementName = `/^(${cypherFolders.join('|')})\\/[\\w-]+$/`;

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'coverage/',
      '.data/',
      'neo4j/target/',
      'src/generated/',
      'client/generated/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // The explorer runs in the browser.
    files: ['explorer/**/*.ts'],
    languageOptions: {
      globals: {
        document: 'readonly',
        localStorage: 'readonly',
        location: 'readonly',
        fetch: 'readonly',
        HTMLElement: 'readonly',
        HTMLInputElement: 'readonly',
        HTMLSelectElement: 'readonly',
        window: 'readonly',
      },
    },
  },
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // dependency-cruiser reads its configuration as CommonJS.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    // Only a repository names a cypher/ statement: a reader finds every statement a domain runs there.
    // writeTx/readTx name an operation (transaction metadata), not a statement.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.repository.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: `Literal[value=${statementName}]:not(CallExpression[callee.property.name=/^(readTx|writeTx)$/] > Literal.arguments:first-child)`,
          message: 'Only a *.repository.ts names a cypher/ statement: add a repository method and call it.',
        },
        {
          selector: `TemplateElement[value.cooked=${statementName}]`,
          message: 'Only a *.repository.ts names a cypher/ statement: add a repository method and call it.',
        },
      ],
    },
  },
  {
    // Issue #24: a function is a sequence of named steps a reader can take in at once.
    files: ['src/**/*.ts'],
    ignores: [
      // Data literals: the demo set reads as one table, and splitting it would only scatter the rows.
      'src/cli/demo-data.ts',
      'src/cli/demo-knowledge.ts',
    ],
    rules: {
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // src/config.ts parses the environment once and reports every problem at once.
    files: ['src/**/*.ts'],
    ignores: ['src/config.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration from AppConfig (src/config.ts).' },
      ],
    },
  },
);
