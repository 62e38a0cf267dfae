// Numbering a backlog of changes (after a bulk import) costs time linear in its size: each batch of
// the sequencer reads a bounded number of waiting changes, whatever the backlog. Measured in database
// hits from PROFILE, which are deterministic, instead of seconds on a shared machine.
import neo4j, { type Driver, type ProfiledPlan } from 'neo4j-driver';
import { loadCypherCatalog } from '../../src/graph/cypher-files.js';

let driver: Driver;
const catalog = loadCypherCatalog();

beforeAll(() => {
  if (!process.env.NEO4J_URI) throw new Error('NEO4J_URI is unset: run tests through `npm test`.');
  // The suite's database may be a secured server (NEO4J_URI with NEO4J_USER/NEO4J_PASSWORD).
  const { NEO4J_USER: user = 'neo4j', NEO4J_PASSWORD: password } = process.env;
  driver = neo4j.driver(process.env.NEO4J_URI, password ? neo4j.auth.basic(user, password) : undefined);
});
afterAll(async () => {
  await driver.close();
});

function dbHits(plan: ProfiledPlan): number {
  return plan.dbHits + plan.children.reduce((sum, child) => sum + dbHits(child), 0);
}

/**
 * The database hits of one sequencer batch (1,000 places) over a backlog of `waiting` changes.
 * Everything happens in a transaction that is rolled back: the other test files' change feeds never
 * see this backlog.
 */
async function hitsOfOneBatch(
  waiting: number,
): Promise<{ horizon: number; assign: number; assigned: number }> {
  const session = driver.session();
  const tx = session.beginTransaction();
  try {
    await tx.run(
      `UNWIND range(0, $n - 1) AS i
       CREATE (:Change:Unsequenced {id: randomUUID(), type: 'PERSONA_CREATED', at: datetime('2001-01-01T00:00:00Z') + duration({milliseconds: i}),
                                    txKey: 'backlog-' + toString(i / 10), ordinal: i % 10, personaIds: [], personIds: []})`,
      { n: neo4j.int(waiting) },
    );
    const horizon = await tx.run(`PROFILE ${catalog['changes/sequencing-horizon']}`);
    const assign = await tx.run(`PROFILE ${catalog['changes/assign-seqs']}`, {
      // Far above any real place, so the rolled-back numbering collides with nothing.
      last: neo4j.int(1_000_000_000_000),
      limit: neo4j.int(1000),
      horizon: horizon.records[0]!.get('horizon') as string,
    });
    return {
      horizon: dbHits(horizon.summary.profile as ProfiledPlan),
      assign: dbHits(assign.summary.profile as ProfiledPlan),
      assigned: (assign.records[0]!.get('assigned') as { toNumber(): number }).toNumber(),
    };
  } finally {
    await tx.rollback();
    await session.close();
  }
}

describe('numbering a backlog of changes', () => {
  it('reads the same number of waiting changes per batch for a backlog of 2,000 and of 20,000', async () => {
    const small = await hitsOfOneBatch(2_000);
    const large = await hitsOfOneBatch(20_000);
    expect(small.assigned).toBe(1000);
    expect(large.assigned).toBe(1000);
    // Linear numbering: a batch costs about the same whatever waits behind it (a scan and sort of the
    // whole backlog per batch, as before, cost ten times more here: quadratic over the backlog).
    expect(large.assign / small.assign).toBeLessThan(1.5);
    expect(large.horizon / small.horizon).toBeLessThan(1.5);
  });
});
