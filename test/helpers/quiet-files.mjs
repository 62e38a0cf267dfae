// The test files that need a Neo4j no other file writes to (see startTestApiOnQuietDatabase): the
// global setup starts that database only when the run includes one of them.
export const quietFiles = [
  'test/integration/engagement.int.test.ts',
  'test/integration/hostile-input.int.test.ts',
  // One matching model for the whole graph: defined and trained there, alone.
  'test/e2e/explorer-review.e2e.test.ts',
  'test/integration/suggestions.int.test.ts',
  'test/integration/suggestions-incremental.int.test.ts',
];
