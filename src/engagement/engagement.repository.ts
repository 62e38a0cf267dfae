// The only code naming the engagement statements; rows are checked as they come back.
import { z } from 'zod';
import { parseJsonText } from '../graph/rows.js';
import type { Graph, Tx } from '../graph/run.js';
import type { EngagementModel, RecencyFrequencyModel } from './engagement.model.js';

/** An Engagement node as stored: Neo4j keeps no nulls, so figures of absent events read back absent. */
const stored = z.object({
  at: z.string(),
  rfoCount: z.number().int(),
  rfoLastAt: z.string().nullish(),
  rfoRecencyRank: z.number().int().nullish(),
  rfoFrequencyRank: z.number().int().nullish(),
  rfcCount: z.number().int(),
  rfcLastAt: z.string().nullish(),
  rfcRecencyRank: z.number().int().nullish(),
  rfcFrequencyRank: z.number().int().nullish(),
  rfmCount: z.number().int(),
  rfmLastAt: z.string().nullish(),
  rfmMonetary: z.number(),
  rfmRecencyRank: z.number().int().nullish(),
  rfmFrequencyRank: z.number().int().nullish(),
  rfmMonetaryRank: z.number().int().nullish(),
  interestTopics: z.array(z.string()).nullish(),
  interestScores: z.array(z.number()).nullish(),
});
type Stored = z.infer<typeof stored>;

const dayMs = 86_400_000;

function recencyFrequency(
  at: string,
  count: number,
  lastAt: string | null | undefined,
  recencyRank: number | null | undefined,
  frequencyRank: number | null | undefined,
): RecencyFrequencyModel | null {
  if (count === 0 || !lastAt) return null;
  return {
    lastAt,
    days: Math.floor((Date.parse(at) - Date.parse(lastAt)) / dayMs),
    count,
    // Ranked in the same run that scored it; a run cut short leaves them for the next.
    recencyRank: recencyRank ?? 1,
    frequencyRank: frequencyRank ?? 1,
  };
}

export function toEngagement(g: Stored): EngagementModel {
  const rfm = recencyFrequency(g.at, g.rfmCount, g.rfmLastAt, g.rfmRecencyRank, g.rfmFrequencyRank);
  const topics = g.interestTopics ?? [];
  const scores = g.interestScores ?? [];
  return {
    at: g.at,
    rfo: recencyFrequency(g.at, g.rfoCount, g.rfoLastAt, g.rfoRecencyRank, g.rfoFrequencyRank),
    rfc: recencyFrequency(g.at, g.rfcCount, g.rfcLastAt, g.rfcRecencyRank, g.rfcFrequencyRank),
    rfm: rfm && { ...rfm, monetary: g.rfmMonetary, monetaryRank: g.rfmMonetaryRank ?? 1 },
    interests: topics.map((topic, n) => ({ topic, score: scores[n] ?? 0 })),
  };
}

export class EngagementRepository {
  constructor(private readonly graph: Graph) {}

  /** Stores each person's digital group, inside the transaction that records the moves. */
  async setDigitalGroups(tx: Tx, now: string, groups: { personId: string; group: string }[]) {
    await tx.run('engagement/set-digital-groups', { now, groups });
  }

  async lastRun(): Promise<string | null> {
    const [row] = await this.graph.read('engagement/last-run');
    return z.object({ at: z.string().nullable() }).parse(row).at;
  }

  /** Step 1, in batches: figures and interests of the personas with new events. */
  async scorePersonas(params: {
    since: string | null;
    now: string;
    halfLifeDays: number;
    interestFactKeys: string[];
  }): Promise<number> {
    const [row] = await this.graph.batched('engagement/score-personas', params);
    return z.object({ personas: z.number().int() }).parse(row).personas;
  }

  /** Step 2, in batches: the ranks over every scored persona. */
  async rankPersonas(now: string): Promise<void> {
    await this.graph.batched('engagement/rank-personas', { now });
  }

  /** Step 3: a page of the personas the run changed. */
  async changedPage(now: string, afterId: string, limit: number) {
    const rows = await this.graph.read('engagement/changed-since', { now, afterId, limit });
    return z
      .array(z.object({ personaId: z.string(), personId: z.string().nullable(), engagement: stored }))
      .parse(rows);
  }

  async recordRun(now: string, personas: number, changed: number): Promise<void> {
    await this.graph.write('engagement/record-run', { now, personas, changed });
  }

  async pressure(params: { type: string; value: string; purpose: string; windowDays: number; now: string }) {
    const [row] = await this.graph.read('engagement/pressure', params);
    if (!row) return null;
    return z
      .object({
        personas: z.array(
          z.object({
            persona: z.object({
              id: z.string(),
              key: z.string(),
              context: z.enum(['PERSONAL', 'WORK', 'BUSINESS', 'FAMILY', 'OTHER']),
              label: z.string().nullable(),
            }),
            sent: z.array(z.string()),
          }),
        ),
        direct: z.array(z.string()),
      })
      .parse(row);
  }

  async digitalInputs(
    personIds: readonly string[],
    selfServiceTypes: string[],
    factKeys: { channelFactKey: string; deviceFactKey: string },
  ) {
    const rows = await this.graph.read('engagement/digital-inputs', {
      personIds,
      selfServiceTypes,
      ...factKeys,
    });
    const count = z.number().int();
    return z
      .array(
        z
          .object({
            personId: z.string(),
            personaIds: z.array(z.string()),
            lastGroup: z.string().nullable(),
            deviceKinds: z.array(z.object({ kind: z.string(), uses: count })),
            channels: z.array(z.object({ channel: z.string(), events: count })),
            selfService: count,
            granted: count,
            withdrawn: count,
            directFacts: count,
            asked: count,
            answered: count,
            statedChannel: z.string().nullable(),
            statedDevice: z.string().nullable(),
          })
          .transform(({ statedChannel, statedDevice, ...rest }) => ({
            ...rest,
            statedChannel: statedChannel === null ? null : parseJsonText(statedChannel),
            statedDevice: statedDevice === null ? null : parseJsonText(statedDevice),
          })),
      )
      .parse(rows);
  }

  async personsWithEventsSince(since: string | null, afterId: string, limit: number): Promise<string[]> {
    const rows = await this.graph.read('engagement/persons-with-events-since', { since, afterId, limit });
    return z
      .array(z.object({ personId: z.string() }))
      .parse(rows)
      .map((r) => r.personId);
  }

  async engagementOfPersonas(ids: readonly string[]) {
    const rows = await this.graph.read('engagement/engagement-of-personas', { ids });
    return z.array(z.object({ personaId: z.string(), engagement: stored })).parse(rows);
  }
}
