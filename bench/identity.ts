// Measures ingest throughput and resolve latency through the GraphQL API against the floor: the same
// graph work as hand-written Cypher over the driver (bench/floor/). `npm run bench:identity` writes
// bench/results/identity.json. Runs on its own embedded Neo4j in a temporary store.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../src/config.js';
import { startServer } from '../src/server.js';
import { floorText, openBenchDatabase } from './harness.js';

// The API runs with NODE_ENV=production here, which requires an erasure key of its own.
process.env.ERASURE_SECRET ??= randomBytes(24).toString('hex');

const personaCount = 2000;
const eventsPerPersona = 3;
const batchSize = 250;
const resolveCount = 500;

const percentile = (sorted: number[], q: number) =>
  sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
const round = (n: number) => Math.round(n * 10) / 10;

/** Personas in pairs that share a phone (so persons form), each with its own email and account. */
function events(prefix: string) {
  return Array.from({ length: personaCount * eventsPerPersona }, (_, n) => {
    const i = n % personaCount;
    const round = Math.floor(n / personaCount);
    return {
      id: `${prefix}-e${n}`,
      type: round === 0 ? 'signup' : 'login',
      occurredAt: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
      source: 'web',
      actor: {
        persona: { key: `${prefix}:p${i}`, context: i % 3 === 0 ? 'WORK' : 'PERSONAL' },
        identifiers: [
          { type: 'email', value: `p${i}@${prefix}.example` },
          {
            type: 'phone',
            value: `+1212${String(5550000 + Math.floor(i / 2) + (prefix === 'api' ? 0 : 5000)).slice(-7)}`,
          },
          { type: 'account', value: `${prefix}-acct-${i}` },
        ],
        authenticated: true,
      },
      consents: round === 0 ? [{ purpose: 'news', channel: 'EMAIL', granted: true }] : [],
    };
  });
}

async function main() {
  const { config, db, close } = await openBenchDatabase('idgraph-bench-', () => {});
  const server = await startServer({ config, graph: db.graph });
  const gql = async (query: string, variables: Record<string, unknown>) => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data!;
  };
  try {
    // Ingest: the API (validation, normalization, evidence, grouping, outbox) against the floor.
    const apiEvents = events('api');
    let started = performance.now();
    for (let b = 0; b < apiEvents.length; b += batchSize) {
      await gql('mutation ($events: [EventInput!]!) { ingest(events: $events) { accepted } }', {
        events: apiEvents.slice(b, b + batchSize),
      });
    }
    const apiIngestMs = performance.now() - started;

    const floorRows = events('floor').map((e) => ({
      id: e.id,
      type: e.type,
      occurredAt: e.occurredAt,
      source: e.source,
      personaKey: e.actor.persona.key,
      context: e.actor.persona.context,
      identifiers: e.actor.identifiers.map((i) => ({ type: i.type, value: i.value })),
    }));
    const ingestFloor = floorText('ingest-floor');
    started = performance.now();
    for (let b = 0; b < floorRows.length; b += batchSize) {
      await db.graph.runText(ingestFloor, { rows: floorRows.slice(b, b + batchSize) });
    }
    const floorIngestMs = performance.now() - started;

    // Resolve: PERSON scope with consent, through GraphQL, against one hand-written read.
    await gql('mutation ($input: UseCaseInput!) { defineUseCase(input: $input) { name } }', {
      input: { name: 'bench-news', scope: 'PERSON', contactTypes: ['email'], consentPurpose: 'news' },
    });
    const pick = (n: number) => `p${(n * 7919) % personaCount}@api.example`;
    const resolveQuery = `query ($value: String!) { resolve(identifier: {type: "email", value: $value}, useCase: "bench-news") {
      contact { value } personas { key } suppressions { code } explanation { rule detail } } }`;
    for (let n = 0; n < 50; n++) await gql(resolveQuery, { value: pick(n) });
    const apiLatencies: number[] = [];
    for (let n = 0; n < resolveCount; n++) {
      const t = performance.now();
      await gql(resolveQuery, { value: pick(n) });
      apiLatencies.push(performance.now() - t);
    }
    const resolveFloor = floorText('resolve-floor');
    const floorLatencies: number[] = [];
    for (let n = 0; n < resolveCount + 50; n++) {
      const t = performance.now();
      await db.graph.runText(resolveFloor, { type: 'email', value: pick(n), purpose: 'news' }, 'READ');
      if (n >= 50) floorLatencies.push(performance.now() - t);
    }
    apiLatencies.sort((a, b) => a - b);
    floorLatencies.sort((a, b) => a - b);

    const eventsTotal = personaCount * eventsPerPersona;
    const result = {
      measuredAt: new Date().toISOString(),
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      neo4j: 'embedded Community 5.26, 1 GiB heap, 256 MiB page cache',
      ingest: {
        events: eventsTotal,
        batchSize,
        api: {
          seconds: round(apiIngestMs / 1000),
          eventsPerSecond: Math.round(eventsTotal / (apiIngestMs / 1000)),
        },
        floor: {
          seconds: round(floorIngestMs / 1000),
          eventsPerSecond: Math.round(eventsTotal / (floorIngestMs / 1000)),
        },
        apiOverFloor: round(apiIngestMs / floorIngestMs),
      },
      resolve: {
        calls: resolveCount,
        api: { medianMs: round(percentile(apiLatencies, 0.5)), p99Ms: round(percentile(apiLatencies, 0.99)) },
        floor: {
          medianMs: round(percentile(floorLatencies, 0.5)),
          p99Ms: round(percentile(floorLatencies, 0.99)),
        },
      },
      notes:
        'The floor writes the same evidence but skips validation, normalization, grouping into persons and the ' +
        'change outbox; the resolve floor skips the policy engine, explanation and fact precedence, and runs ' +
        'in-process over Bolt where the API adds HTTP and GraphQL.',
    };
    fs.mkdirSync(path.join(projectRoot, 'bench/results'), { recursive: true });
    fs.writeFileSync(
      path.join(projectRoot, 'bench/results/identity.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await server.stop();
    await close();
  }
}

await main();
