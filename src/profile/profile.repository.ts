// The only code that names cypher/profile queries. Every row is checked with zod where it enters, so a
// renamed property fails here with its query's name, not later as undefined.
import { z } from 'zod';
import type { Graph, Tx } from '../graph/run.js';
import type {
  AssetModel,
  CampaignModel,
  EventTaxonomyModel,
  FactKeyModel,
  KnowledgeRules,
  QuestionModel,
  TermModel,
  UnmappedReportModel,
} from './profile.model.js';

const factValueType = z.enum(['STRING', 'NUMBER', 'BOOLEAN', 'DATE', 'ENUM', 'LIST']);
const channel = z.enum(['WEB', 'APP', 'EMAIL', 'SMS', 'PHONE', 'STORE', 'CHAT', 'MAIL']);
const nullableStrings = z.array(z.string()).nullable().default(null);

const termRow = z.object({
  vocabulary: z.string(),
  key: z.string(),
  label: z.string().nullable(),
  broader: z.string().nullable(),
});
const campaignRow = z.object({
  code: z.string(),
  name: z.string().nullable(),
  channel: channel.nullable(),
  topics: z.array(z.string()),
});
const assetRow = z.object({
  code: z.string(),
  name: z.string().nullable(),
  campaign: z.string().nullable(),
  topics: z.array(z.string()),
});
const factKeyRow = z.object({
  key: z.string(),
  label: z.string().nullable(),
  type: factValueType,
  allowedValues: nullableStrings,
  sensitive: z
    .boolean()
    .nullable()
    .transform((s) => s ?? false),
});
const questionRow = z
  .object({
    key: z.string(),
    factKey: z.string(),
    text: z.string(),
    options: nullableStrings,
    valueExchange: z.string().nullable(),
    afterQuestion: z.string().nullable(),
    afterAnswers: nullableStrings,
    cooldownDays: z.number().int(),
  })
  .transform((q): QuestionModel => ({
    key: q.key,
    factKey: q.factKey,
    text: q.text,
    options: q.options,
    valueExchange: q.valueExchange,
    after: q.afterQuestion ? { question: q.afterQuestion, answers: q.afterAnswers } : null,
    cooldownDays: q.cooldownDays,
  }));
const unmappedRow = z.object({
  kind: z.string(),
  code: z.string(),
  count: z.number().int(),
  firstSeen: z.string(),
  lastSeen: z.string(),
});
const taxonomyRow = z.object({
  eventId: z.string(),
  campaign: z.string().nullable(),
  asset: z.string().nullable(),
  terms: z.array(z.object({ vocabulary: z.string(), key: z.string() })),
  asked: z.array(z.string()),
  answers: z.array(z.object({ question: z.string(), value: z.string() })),
});
const recordedRow = z.object({
  eventId: z.string(),
  question: z.string(),
  value: z.string().nullable(),
  answered: z.boolean(),
  unmapped: z.boolean(),
  personaId: z.string().nullable(),
});

/** Parses a statement's rows, naming the statement when one does not fit. */
function parseRows<S extends z.ZodType>(query: string, schema: S, rows: unknown[]): z.output<S>[] {
  return rows.map((row) => {
    const parsed = schema.safeParse(row);
    if (!parsed.success)
      throw new Error(`cypher/${query}.cypher returned an unexpected row: ${parsed.error.message}`);
    return parsed.data;
  });
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

export interface QuestionRecord {
  key: string;
  factKey: string;
  text: string;
  options: string[] | null;
  valueExchange: string | null;
  afterQuestion: string | null;
  afterAnswers: string[] | null;
  cooldownDays: number;
}

export class ProfileRepository {
  constructor(private readonly graph: Graph) {}

  private async read<S extends z.ZodType>(query: string, field: string, schema: S, params = {}) {
    const rows = await this.graph.read<Record<string, unknown>>(`profile/${query}`, params);
    return parseRows(
      query,
      schema,
      rows.map((r) => r[field]),
    );
  }

  // ---- definitions (each its own write transaction, with the change it causes)
  async defineTerm(tx: Tx, term: { vocabulary: string; key: string; label: string; broader: string | null }) {
    const rows = await tx.run<{ term: unknown; wasMapped: boolean }>('profile/define-term', { term });
    return {
      term: parseRows('profile/define-term', termRow, [rows[0]!.term])[0]!,
      wasMapped: rows[0]!.wasMapped,
    };
  }

  async broaderChain(vocabulary: string, key: string): Promise<string[]> {
    const [row] = await this.graph.read<{ keys: string[] }>('profile/broader-chain', { vocabulary, key });
    return row?.keys ?? [];
  }

  async existing(topics: string[], campaigns: string[]) {
    const [row] = await this.graph.read<{ topics: string[]; campaigns: string[] }>('profile/term-exists', {
      topics,
      campaigns,
    });
    return { topics: new Set(row?.topics), campaigns: new Set(row?.campaigns) };
  }

  async defineCampaign(tx: Tx, campaign: Omit<CampaignModel, 'name'> & { name: string }) {
    const [row] = await tx.run<{ campaign: unknown; wasMapped: boolean }>('profile/define-campaign', {
      campaign,
    });
    return {
      campaign: parseRows('profile/define-campaign', campaignRow, [row!.campaign])[0]!,
      wasMapped: row!.wasMapped,
    };
  }

  async defineAsset(tx: Tx, asset: Omit<AssetModel, 'name'> & { name: string }) {
    const [row] = await tx.run<{ asset: unknown; wasMapped: boolean }>('profile/define-asset', { asset });
    return {
      asset: parseRows('profile/define-asset', assetRow, [row!.asset])[0]!,
      wasMapped: row!.wasMapped,
    };
  }

  async defineFactKey(tx: Tx, factKey: FactKeyModel) {
    const [row] = await tx.run<{ factKey: unknown; wasMapped: boolean }>('profile/define-fact-key', {
      factKey,
    });
    return {
      factKey: parseRows('profile/define-fact-key', factKeyRow, [row!.factKey])[0]!,
      wasMapped: row!.wasMapped,
    };
  }

  async defineQuestion(tx: Tx, question: QuestionRecord) {
    const [row] = await tx.run<{ question: unknown; wasMapped: boolean }>('profile/define-question', {
      question,
    });
    return {
      question: parseRows('profile/define-question', questionRow, [row!.question])[0]!,
      wasMapped: row!.wasMapped,
    };
  }

  // ---- reads
  async knowledgeRules(): Promise<KnowledgeRules> {
    const [row] = await this.graph.read<{ factKeys: unknown[]; questions: unknown[] }>(
      'profile/knowledge-rules',
    );
    const factKeys = parseRows('profile/knowledge-rules', factKeyRow, row?.factKeys ?? []);
    const questions = parseRows('profile/knowledge-rules', questionRow, row?.questions ?? []);
    return {
      factKeys: new Map(factKeys.map((k) => [k.key, k])),
      questions: new Map(questions.map((q) => [q.key, q])),
    };
  }

  factKeys(): Promise<FactKeyModel[]> {
    return this.read('fact-keys', 'factKey', factKeyRow);
  }

  questions(): Promise<QuestionModel[]> {
    return this.read('questions', 'question', questionRow);
  }

  terms(keys: readonly { vocabulary: string; key: string }[]): Promise<TermModel[]> {
    return this.read('terms', 'term', termRow, { keys });
  }

  vocabulary(vocabulary: string): Promise<TermModel[]> {
    return this.read('vocabulary', 'term', termRow, { vocabulary });
  }

  campaigns(codes: readonly string[]): Promise<CampaignModel[]> {
    return this.read('campaigns', 'campaign', campaignRow, { codes });
  }

  assets(codes: readonly string[]): Promise<AssetModel[]> {
    return this.read('assets', 'asset', assetRow, { codes });
  }

  async eventTaxonomy(ids: readonly string[]): Promise<EventTaxonomyModel[]> {
    const rows = await this.graph.read<Record<string, unknown>>('profile/event-taxonomy', { ids });
    return parseRows('profile/event-taxonomy', taxonomyRow, rows).map((r) => ({
      ...r,
      answers: r.answers.map((a) => ({ question: a.question, value: parseJson(a.value) })),
    }));
  }

  async unmapped(first: number): Promise<UnmappedReportModel[]> {
    const rows = await this.graph.read<Record<string, unknown>>('profile/unmapped', { first });
    return parseRows('profile/unmapped', unmappedRow, rows);
  }

  async lastAsked(personaIds: string[]): Promise<Map<string, string>> {
    const rows = await this.graph.read<Record<string, unknown>>('profile/asked-of-personas', {
      ids: personaIds,
    });
    return new Map(
      parseRows(
        'profile/asked-of-personas',
        z.object({ question: z.string(), lastAsked: z.string() }),
        rows,
      ).map((r) => [r.question, r.lastAsked]),
    );
  }

  async requiredFacts(): Promise<Map<string, number>> {
    const rows = await this.graph.read<Record<string, unknown>>('profile/required-facts');
    return new Map(
      parseRows(
        'profile/required-facts',
        z.object({ key: z.string(), neededBy: z.number().int() }),
        rows,
      ).map((r) => [r.key, r.neededBy]),
    );
  }

  async activity(personaIds: string[]) {
    const rows = await this.graph.read<Record<string, unknown>>('profile/activity-of-personas', {
      ids: personaIds,
    });
    return parseRows(
      'profile/activity-of-personas',
      z.object({ type: z.string(), count: z.number().int(), lastAt: z.string() }),
      rows,
    );
  }

  // ---- ingestion step (inside ingest's transaction)
  async recordKnowledge(tx: Tx, rows: { eventId: string; asked: string[]; answers: unknown[] }[]) {
    if (!rows.length) return [];
    return parseRows(
      'profile/record-knowledge',
      recordedRow,
      await tx.run('profile/record-knowledge', { rows }),
    );
  }
}
