// The only code that names resolution queries; every row is checked (zod) where it enters, so a renamed
// property fails here with its path instead of reaching a rule as undefined.
import { z } from 'zod';
import type { Graph } from '../graph/run.js';
import { recordChanges } from '../outbox/outbox.js';
import { recordAudit } from '../access/audit.js';
import { parseJsonText } from '../graph/rows.js';
import { identifierKey, type IdentifierKey } from '../identity/identity.model.js';
import type { UseCaseModel } from './resolution.model.js';

const context = z.enum(['PERSONAL', 'WORK', 'BUSINESS', 'FAMILY', 'OTHER']);
const strength = z.enum(['STRONG', 'WEAK']);
const persona = z.object({ id: z.string(), key: z.string(), context, label: z.string().nullable() });

/** A use case as stored: Neo4j keeps no nulls, so absent properties read back as the defaults below. */
const storedUseCase = z.object({
  name: z.string(),
  description: z.string().nullish(),
  scope: z.enum(['IDENTIFIER', 'PERSONA', 'PERSON']),
  minStrength: strength.nullish(),
  maxHops: z.number().int().nullish(),
  contexts: z.array(context).nullish(),
  excludeContexts: z.array(context).nullish(),
  contactTypes: z.array(z.string()).nullish(),
  consentPurpose: z.string().nullish(),
  pressureMax: z.number().int().nullish(),
  pressureWindowDays: z.number().int().nullish(),
  pressurePurpose: z.string().nullish(),
  requiredFacts: z.array(z.string()).nullish(),
  contactEvery: z.boolean().nullish(),
});
const useCaseRow = z.object({ useCase: storedUseCase });

function fromStored(u: z.infer<typeof storedUseCase>): UseCaseModel {
  return {
    name: u.name,
    description: u.description ?? null,
    scope: u.scope,
    minStrength: u.minStrength ?? 'STRONG',
    maxHops: u.maxHops ?? 3,
    contexts: u.contexts ?? null,
    excludeContexts: u.excludeContexts ?? [],
    contactTypes: u.contactTypes ?? [],
    consentPurpose: u.consentPurpose ?? null,
    pressureCap:
      typeof u.pressureMax === 'number' && typeof u.pressureWindowDays === 'number'
        ? { max: u.pressureMax, windowDays: u.pressureWindowDays, purpose: u.pressurePurpose ?? u.name }
        : null,
    requiredFacts: u.requiredFacts ?? [],
    contactEvery: u.contactEvery ?? false,
  };
}

/** A moment as gather.cypher returns it, epoch milliseconds, as the ISO text the rules compare. */
const moment = z.number().transform((ms) => new Date(ms).toISOString());

const fact = z.object({
  id: z.string(),
  key: z.string(),
  value: z.string(),
  method: z.enum(['DIRECT', 'INDIRECT', 'INFERRED']),
  source: z.string(),
  at: moment,
  confidence: z.number(),
});

const membership = z.object({
  persona,
  eventId: z.string().nullable(),
  source: z.string().nullable(),
  since: moment.nullable(),
  lastAt: moment.nullable(),
  strength,
  /** When the membership ended (only when resolving as of an earlier date). */
  to: moment.nullable(),
});

/** The one row of cypher/resolution/gather.cypher. */
const gatherRow = z.object({
  anchor: z.object({ type: z.string(), value: z.string(), shared: z.boolean() }),
  /** Current holders, all counted; `holders` holds at most GatherParams.holderLimit of them. */
  holderCount: z.number().int(),
  holders: z.array(membership),
  staleHolders: z.array(membership),
  /** The anchor's memberships that ended by the moment read (replaced or recycled away), latest first. */
  endings: z.array(z.object({ persona: z.string(), endedBy: z.string().nullable(), to: moment })),
  nearest: z.array(
    z.object({
      persona,
      hops: z.number().int(),
      steps: z.array(z.object({ from: z.string(), rel: z.string(), strength, to: z.string() })),
    }),
  ),
  persons: z.array(
    z.object({
      id: z.string(),
      personaIds: z.array(z.string()),
      members: z.array(persona),
      sharedIdentifiers: z.array(
        z.object({
          a: z.string(),
          b: z.string(),
          aId: z.string(),
          bId: z.string(),
          type: z.string(),
          value: z.string(),
          strengths: z.array(strength),
          lastAts: z.array(moment.nullable()),
        }),
      ),
      assertions: z.array(
        z.object({ a: z.string(), b: z.string(), aId: z.string(), bId: z.string(), evidence: z.string() }),
      ),
    }),
  ),
  scoped: z.array(
    z.object({
      id: z.string(),
      identifiers: z.array(
        z.object({
          type: z.string(),
          value: z.string(),
          shared: z.boolean(),
          since: moment.nullable(),
          lastAt: moment.nullable(),
          strength,
        }),
      ),
      consents: z.array(
        z.object({
          channel: z.string(),
          granted: z.boolean(),
          at: moment,
          identifier: z.object({ type: z.string(), value: z.string() }).nullable(),
        }),
      ),
      facts: z.array(z.object({ fact, sensitive: z.boolean() })),
    }),
  ),
  messages: z.array(z.object({ id: z.string(), personaId: z.string().nullable(), at: moment })),
});

export type GatherRow = z.infer<typeof gatherRow>;
export type GatheredPersona = GatherRow['scoped'][number];

/** What the policy decides before the read: how far and for what the gather query looks. */
export interface GatherParams {
  scope: UseCaseModel['scope'];
  strengths: string[];
  maxHops: number;
  contactTypes: string[];
  consentPurpose: string | null;
  pressurePurpose: string | null;
  windowDays: number;
  /** The moment the graph is read as of (ISO), and whether that is an earlier date than now. */
  now: string;
  historical: boolean;
  /** staleAfterDays of the identifier types that have one. */
  staleDays: Record<string, number>;
  holderLimit: number;
  /** The persona contexts the use case allows (null: all) and leaves out: nothing more is read of the others. */
  contexts: string[] | null;
  excludeContexts: string[];
}

export class ResolutionRepository {
  constructor(private readonly graph: Graph) {}

  async defineUseCase(useCase: UseCaseModel, actor: string): Promise<UseCaseModel> {
    const { pressureCap, ...rest } = useCase;
    // Neo4j stores no nulls: absent properties read back as the defaults of fromStored.
    const stored = Object.fromEntries(
      Object.entries({
        ...rest,
        pressureMax: pressureCap?.max,
        pressureWindowDays: pressureCap?.windowDays,
        pressurePurpose: pressureCap?.purpose,
      }).filter(([, v]) => v !== null && v !== undefined),
    );
    return this.graph.writeTx('defineUseCase', async (tx) => {
      const [row] = await tx.run('resolution/define-use-case', { useCase: stored });
      await recordAudit(tx, 'defineUseCase', actor, stored);
      // Every instance's feed delivers this and drops its cached copy (src/changes/definitions.cache.ts).
      await recordChanges(tx, [
        {
          type: 'USE_CASE_DEFINED',
          personaIds: [],
          personIds: [],
          data: { event: null, action: 'defineUseCase', name: useCase.name },
        },
      ]);
      return fromStored(useCaseRow.parse(row).useCase);
    });
  }

  async useCasesByNames(names: readonly string[]): Promise<UseCaseModel[]> {
    const rows = await this.graph.read('resolution/use-cases-by-names', { names });
    return rows.map((r) => fromStored(useCaseRow.parse(r).useCase));
  }

  async useCases(): Promise<UseCaseModel[]> {
    const rows = await this.graph.read('resolution/use-cases');
    return rows.map((r) => fromStored(useCaseRow.parse(r).useCase));
  }

  /** Everything a resolution reads, in one statement and one read transaction; null: no such identifier. */
  async gather(anchor: IdentifierKey, params: GatherParams): Promise<GatherRow | null> {
    return (await this.gatherMany([anchor], params)).get(identifierKey(anchor)) ?? null;
  }

  /**
   * What gather reads, for many anchors in the same one statement; keyed by identifierKey, the anchors
   * that do not exist absent. Each row is read as gather would read it alone.
   */
  async gatherMany(anchors: readonly IdentifierKey[], params: GatherParams): Promise<Map<string, GatherRow>> {
    const distinct = [
      ...new Map(anchors.map((a) => [identifierKey(a), { type: a.type, value: a.value }])).values(),
    ];
    if (distinct.length === 0) return new Map();
    const rows = await this.graph.read('resolution/gather', { anchors: distinct, ...params });
    return new Map(
      rows.map((r) => {
        const row = gatherRow.parse(r);
        return [identifierKey(row.anchor), row];
      }),
    );
  }
}

/** Decodes the stored fact values of gathered personas (JSON-encoded, like every fact read). */
export function factsOf(persona: Pick<GatheredPersona, 'id' | 'facts'>) {
  return persona.facts.map((f) => ({
    ...f.fact,
    value: parseJsonText(f.fact.value),
    personaId: persona.id,
    sensitive: f.sensitive,
  }));
}
