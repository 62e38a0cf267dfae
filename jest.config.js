// Jest runs TypeScript as ES modules through ts-jest (transpile only: `npm run lint` type-checks);
// one embedded Neo4j serves the whole run.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, isolatedModules: true }],
  },
  // Our sources import './x.js' (NodeNext); map to the .ts file. Leave packages' 'x.json.js' modules alone.
  moduleNameMapper: { '^(\\.{1,2}/(?!.*\\.json\\.js$).*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/helpers/global-setup.mjs',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.mjs',
  // The files that start Neo4j processes first, also on a fresh clone (test/helpers/sequencer.mjs).
  testSequencer: '<rootDir>/test/helpers/sequencer.mjs',
  testTimeout: 60_000,
  maxWorkers: 2,
};
