// The order test files start in. Jest starts the files that took longest last time first, but a
// fresh clone has no such record and it falls back to file size, which can start a minute-long file
// last and leave the other worker idle. The files that start Neo4j processes go first, longest first;
// the rest follow in Jest's order.
import Sequencer from '@jest/test-sequencer';

const first = [
  'test/integration/cli.int.test.ts',
  'test/integration/engagement.int.test.ts',
  'test/integration/database-loss.int.test.ts',
  'test/integration/hostile-input.int.test.ts',
];

export default class SlowFirstSequencer extends (Sequencer.default ?? Sequencer) {
  sort(tests) {
    const rank = (test) => first.findIndex((file) => test.path.endsWith(file));
    const sorted = super.sort(tests);
    const known = sorted.filter((test) => rank(test) >= 0).sort((a, b) => rank(a) - rank(b));
    return [...known, ...sorted.filter((test) => rank(test) < 0)];
  }
}
