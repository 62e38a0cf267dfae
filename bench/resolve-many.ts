// resolveMany in the bench: resolutions per second for batches of 100 and 1,000 over HTTP, beside an
// UNWIND floor (each use case's own floor statement, bench/floor/resolve/<use case>.cypher, run for
// every identifier of the batch in one statement over the driver), and beside single resolve calls and
// their per-call floor at concurrency 8 (measured by bench/run.ts before).
import type { Driver } from 'neo4j-driver';
import {
  floorRead,
  resolutionFields,
  round,
  run,
  summarize,
  useCaseFloor,
  useCases,
  type client,
  type Latency,
  type resolveSamples,
} from './harness.js';

export const resolveManyQuery = /* GraphQL */ `
  query ($identifiers: [IdentifierInput!]!, $useCase: String!) {
    resolveMany(identifiers: $identifiers, useCase: $useCase) {
      ${resolutionFields}
    }
  }
`;

/**
 * The floor of a batch: the use case's per-call floor statement as the body of one CALL per
 * identifier (its $value becomes the unwound value), all in one auto-commit read, every row returned.
 */
function unwindFloors() {
  return new Map(
    useCases.map((u) => {
      const body = useCaseFloor(u.input.name as string).replace(/\$value\b/g, 'value');
      return [u.input.name as string, `UNWIND $values AS value CALL (value) {\n${body}\n}\nRETURN *`];
    }),
  );
}

export interface BatchFigures {
  size: number;
  /** One batch a call. */
  api: Latency;
  floor: Latency;
  /** Identifiers resolved per second: batches per second × size. */
  resolutionsPerSecond: { api: number; floor: number };
}

/**
 * Batches of `size` identifiers of one use case's type, cycling through the use cases, one batch in
 * flight at a time (a campaign sender's loop), resolveMany against the UNWIND floor in turns.
 */
export async function benchResolveMany(
  gql: ReturnType<typeof client>,
  driver: Driver,
  samples: Awaited<ReturnType<typeof resolveSamples>>,
  sizes: { size: number; calls: number }[] = [
    { size: 100, calls: 60 },
    { size: 1_000, calls: 16 },
  ],
): Promise<BatchFigures[]> {
  const floors = unwindFloors();
  const batch = (n: number, size: number) => {
    const useCase = useCases[n % useCases.length]!;
    const list = samples[useCase.type]!;
    const identifiers = Array.from({ length: size }, (_, i) => list[(n * size + i) % list.length]!);
    return { identifiers, useCase: useCase.input.name as string };
  };
  const figures: BatchFigures[] = [];
  for (const { size, calls } of sizes) {
    const contenders = {
      api: async (n: number) => void (await gql(resolveManyQuery, batch(n, size))),
      floor: async (n: number) => {
        const { identifiers, useCase } = batch(n, size);
        await floorRead(driver, floors.get(useCase)!, {
          values: identifiers.map((i) => i.value),
          now: new Date().toISOString(),
        });
      },
    };
    // In turns, as compare() does, but keeping the seconds: a batch of 1,000 is about one a second,
    // and Latency.perSecond is rounded to whole calls.
    const totals = {
      api: { latencies: [] as number[], seconds: 0 },
      floor: { latencies: [] as number[], seconds: 0 },
    };
    const names = ['api', 'floor'] as const;
    for (const name of names) await run(1, 1_000_000, useCases.length, contenders[name]);
    const turns = 2;
    for (let turn = 0; turn < turns; turn++) {
      for (const name of turn % 2 === 0 ? names : [...names].reverse()) {
        const measured = await run(1, turn * (calls / turns), calls / turns, contenders[name]);
        totals[name].latencies.push(...measured.latencies);
        totals[name].seconds += measured.seconds;
      }
    }
    const perSecond = (name: (typeof names)[number]) =>
      Math.round((totals[name].latencies.length * size) / totals[name].seconds);
    figures.push({
      size,
      api: summarize(totals.api.latencies, totals.api.seconds),
      floor: summarize(totals.floor.latencies, totals.floor.seconds),
      resolutionsPerSecond: { api: perSecond('api'), floor: perSecond('floor') },
    });
  }
  return figures;
}

/** The batch figures beside single resolve calls at concurrency 8 and their per-call floor. */
export function resolveManyResult(batches: BatchFigures[], singleC8: { api: Latency; floor: Latency }) {
  return {
    singleC8PerSecond: { api: singleC8.api.perSecond, floor: singleC8.floor.perSecond },
    batches: batches.map((b) => ({
      ...b,
      ratioToSingleC8: round(b.resolutionsPerSecond.api / singleC8.api.perSecond, 2),
      ratioToPerCallFloorC8: round(b.resolutionsPerSecond.api / singleC8.floor.perSecond, 2),
      ratioToUnwindFloor: round(b.resolutionsPerSecond.api / b.resolutionsPerSecond.floor, 2),
    })),
  };
}

/** Its section of the bench's Markdown table. */
export function resolveManyMarkdown(r: ReturnType<typeof resolveManyResult>): string[] {
  return [
    '## Batch resolution (resolveMany over HTTP, one batch at a time; resolutions/s)',
    '',
    '| batch | median ms | resolutions/s | UNWIND floor | ratio | × single resolve at c8 | × per-call floor at c8 |',
    '|---|---|---|---|---|---|---|',
    ...r.batches.map(
      (b) =>
        `| ${b.size} | ${b.api.medianMs} | ${b.resolutionsPerSecond.api} | ${b.resolutionsPerSecond.floor} | ${b.ratioToUnwindFloor}× | ${b.ratioToSingleC8}× | ${b.ratioToPerCallFloorC8}× |`,
    ),
    '',
    `Single resolve at concurrency 8: ${r.singleC8PerSecond.api} resolutions/s; its per-call floor ${r.singleC8PerSecond.floor}/s.`,
    '',
  ];
}
