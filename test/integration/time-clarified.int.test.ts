// Defects found from outside in identifiers over time (issue #23, API.md "Time, clarified"): a replaced
// email still contacted as the anchor, stale WEAK evidence that still grouped in the store, and a
// preferred device chosen by the number of kinds rather than by use.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/config.js';
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';
import { dataOf, defineUseCase, ingest, persona, resolve } from '../helpers/operations.js';

let api: TestApi;
const tag = uniqueTag('time');
const email = (name: string) => `${name}@${tag}.example`;
const key = (name: string) => `${tag}:${name}`;
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

function event(
  id: string,
  occurredAt: string,
  who: string,
  identifiers: { type: string; value: string }[],
  more: Record<string, unknown> = {},
) {
  return {
    id: `${tag}-${id}`,
    type: 'login',
    occurredAt,
    source: 'web',
    actor: { persona: { key: key(who), context: 'PERSONAL' }, identifiers, authenticated: true },
    ...more,
  };
}

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

describe('a replaced email asked about directly', () => {
  const reminder = `${tag}-reminder`;
  const receipt = `${tag}-receipt`;
  const account = { type: 'account', value: `${tag}-ann` };
  beforeAll(async () => {
    await defineUseCase(api, { name: reminder, scope: 'PERSONA', contactTypes: ['email'] });
    await defineUseCase(api, { name: receipt, scope: 'IDENTIFIER', contactTypes: ['email'] });
    await ingest(api, [
      event('signup', '2026-03-01T09:00:00Z', 'ann', [account, { type: 'email', value: email('ann-old') }], {
        type: 'signup',
      }),
      event('login', '2026-03-02T09:00:00Z', 'ann', [account, { type: 'email', value: email('ann-old') }]),
      event('change', '2026-04-01T09:00:00Z', 'ann', [account, { type: 'email', value: email('ann-new') }], {
        type: 'profile_updated',
        replaces: [
          {
            old: { type: 'email', value: email('ann-old') },
            new: { type: 'email', value: email('ann-new') },
          },
        ],
      }),
    ]);
  });

  it('routes a persona-scope message to the current address, not the replaced one it was asked with', async () => {
    const answer = await resolve(api, { type: 'email', value: email('ann-old') }, reminder);
    expect(answer.personas.map((p) => p.key)).toEqual([key('ann')]);
    expect(answer.contact).toEqual({ type: 'email', value: email('ann-new') });
    expect(answer.explanation).toContainEqual({
      rule: 'contact.ended',
      detail: `email ${email('ann-old')} is no contact point: its membership of persona ${key('ann')} ended at 2026-04-01T09:00:00.000Z (REPLACED); nobody holds it now`,
    });
  });

  it('answers NO_CONTACT with the reason for an identifier-scope message to the replaced address', async () => {
    const answer = await resolve(api, { type: 'email', value: email('ann-old') }, receipt);
    expect(answer.contact).toBeNull();
    expect(answer.suppressions).toEqual([
      {
        code: 'NO_CONTACT',
        message: `no email in scope (email ${email('ann-old')}: its membership of persona ${key('ann')} ended at 2026-04-01T09:00:00.000Z (REPLACED))`,
      },
    ]);
  });

  it('still contacts the replaced address as of a date before the change', async () => {
    const RESOLVE_AT = `query ($identifier: IdentifierInput!, $useCase: String!, $at: DateTime) {
      resolve(identifier: $identifier, useCase: $useCase, at: $at) { contact { type value } } }`;
    const then = dataOf(
      await api.gql<{ resolve: { contact: unknown } }>(RESOLVE_AT, {
        identifier: { type: 'email', value: email('ann-old') },
        useCase: receipt,
        at: '2026-03-15T00:00:00Z',
      }),
    ).resolve;
    expect(then.contact).toEqual({ type: 'email', value: email('ann-old') });
  });
});

/** Runs the built command as an operator would while the service runs (its store, or NEO4J_URI). */
function idgraph(...args: string[]) {
  const home = process.env.IDGRAPH_TEST_NEO4J_HOME;
  const { NEO4J_URI: running, ...inherited } = process.env;
  const result = spawnSync(process.execPath, [path.join(projectRoot, 'dist/cli/idgraph.js'), ...args], {
    encoding: 'utf8',
    env: home
      ? { ...inherited, NEO4J_HOME: home, NODE_ENV: 'production' }
      : { ...inherited, NEO4J_URI: running, NODE_ENV: 'production' },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A cookie type, and two personas seen WEAKly on one cookie of it `days` ago (not signed in). */
async function householdCookie(name: string, days: number, staleAfterDays: number | null) {
  const type = `ck-${name}-${tag.slice(-8)}`;
  await defineCookieType(type, staleAfterDays);
  const seen = (who: string) => ({
    ...event(`${name}-${who}`, daysAgo(days), `${name}-${who}`, []),
    actor: {
      persona: { key: key(`${name}-${who}`), context: 'PERSONAL' },
      identifiers: [
        { type: 'email', value: email(`${name}-${who}`) },
        { type, value: `${tag}-${name}-tablet` },
      ],
      authenticated: false,
    },
  });
  await ingest(api, [seen('dad'), seen('teen')]);
  return { type, dad: key(`${name}-dad`), teen: key(`${name}-teen`) };
}

async function defineCookieType(name: string, staleAfterDays: number | null) {
  dataOf(
    await api.gql(
      `mutation ($input: IdentifierTypeInput!) { defineIdentifierType(input: $input) { name } }`,
      { input: { name, kind: 'COOKIE', maxPersonas: 2, staleAfterDays } },
    ),
  );
}

const personOf = async (k: string) => (await persona(api, k)).person?.personas.map((p) => p.key).sort();

async function splitsAfter(cursor: string, personaIds: string[]) {
  const page = dataOf(
    await api.gql<{ changes: { nodes: { personaIds: string[]; data: Record<string, unknown> }[] } }>(
      `query ($after: String) { changes(after: $after, first: 1000, types: [PERSON_SPLIT]) {
         nodes { personaIds data } } }`,
      { after: cursor },
    ),
  ).changes.nodes;
  return page.filter((c) => personaIds.every((id) => c.personaIds.includes(id)));
}

const latestCursor = async () =>
  dataOf(await api.gql<{ latestChangeCursor: string }>('{ latestChangeCursor }')).latestChangeCursor;

describe('WEAK evidence that is stale', () => {
  it('never groups personas when it was already stale as it was ingested', async () => {
    const h = await householdCookie('old', 90, 30);
    expect(await personOf(h.dad)).toEqual([h.dad]);
    expect(await personOf(h.teen)).toEqual([h.teen]);
  });

  it('still groups while it is fresh', async () => {
    const h = await householdCookie('fresh', 5, 30);
    expect(await personOf(h.dad)).toEqual([h.dad, h.teen].sort());
  });

  it('is undone by `idgraph regroup --stale` once the grouping’s only glue went stale, with PERSON_SPLIT changes', async () => {
    // Grouped while the type kept no staleness; then its staleAfterDays makes the 90-day-old glue stale.
    const h = await householdCookie('cli', 90, null);
    expect(await personOf(h.dad)).toEqual([h.dad, h.teen].sort());
    await defineCookieType(h.type, 30);
    const cursor = await latestCursor();

    const run = idgraph('regroup', '--stale');
    expect(run.stderr).not.toMatch(/already using the store/);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ checked: expect.any(Number), splits: expect.any(Number) });
    expect(await personOf(h.dad)).toEqual([h.dad]);
    expect(await personOf(h.teen)).toEqual([h.teen]);
    const ids = [(await persona(api, h.dad)).id, (await persona(api, h.teen)).id];
    const splits = await splitsAfter(cursor, ids);
    expect(splits.map((c) => ({ event: c.data.event, action: c.data.action }))).toEqual([
      { event: null, action: 'staleness' },
    ]);
    // A second pass finds nothing left to undo for them.
    expect(idgraph('regroup', '--stale').status).toBe(0);
    expect(await splitsAfter(cursor, ids)).toHaveLength(1);
  });

  it('is undone by serve’s periodic pass (STALE_REGROUP_HOURS)', async () => {
    const h = await householdCookie('periodic', 90, null);
    expect(await personOf(h.dad)).toEqual([h.dad, h.teen].sort());
    await defineCookieType(h.type, 30);
    // About a second between passes.
    const serving = await startTestApi({ STALE_REGROUP_HOURS: '0.0003' });
    try {
      let grouping = await personOf(h.dad);
      for (let tries = 0; tries < 60 && grouping?.length !== 1; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        grouping = await personOf(h.dad);
      }
      expect(grouping).toEqual([h.dad]);
    } finally {
      await serving.close();
    }
  });
});

describe('the preferred device of a digital profile', () => {
  it('is the kind most events came from, not the kind with most devices', async () => {
    const who = 'devices';
    const at = (n: number) => daysAgo(3 + n / 24);
    const onDevice = (n: number, id: string, kind: string) =>
      event(`${who}-${n}`, at(n), who, [{ type: 'account', value: `${tag}-${who}` }], {
        type: 'app_open',
        actor: {
          persona: { key: key(who), context: 'PERSONAL' },
          identifiers: [{ type: 'account', value: `${tag}-${who}` }],
          device: { id: `${tag}-${id}`, kind },
          authenticated: true,
        },
      });
    await ingest(api, [
      ...[0, 1, 2, 3, 4, 5].map((n) => onDevice(n, 'phone', 'PHONE')),
      onDevice(6, 'desktop', 'DESKTOP'),
    ]);
    dataOf(await api.gql('mutation { computeScores { personas } }'));
    const profile = dataOf(
      await api.gql<{
        persona: { person: { digitalProfile: { preferredDevice: string; reasons: string[] } } };
      }>(
        `query ($k: String!) { persona(key: $k) { person { digitalProfile { preferredDevice reasons } } } }`,
        { k: key(who) },
      ),
    ).persona.person.digitalProfile;
    expect(profile.preferredDevice).toBe('PHONE');
    expect(profile.reasons).toContain('uses PHONE: most of its events came from it');
  });
});
