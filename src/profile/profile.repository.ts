// The only code that names cypher/profile queries. Every row is checked with zod where it enters, so a
// renamed property fails here with its query's name, not later as undefined.
import { z } from 'zod';
import { parseJsonText, parseRows, readChecked } from '../graph/rows.js';
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
/** Whether a define-* statement found the definition already mapped (see ProfileService.define). */
const wasMapped = z.boolean();

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

/** A fact key to store: sensitive null keeps what the key had (the statement coalesces). */
export type FactKeyDefinition = Omit<FactKeyModel, 'sensitive'> & { sensitive: boolean | null };

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

  /** The rows of a statement that returns one map per row, in column `field`. */
  private async readMaps<S extends z.ZodType>(name: string, field: string, schema: S, params = {}) {
    const rows = await this.graph.read(name, params);
    return parseRows(
      name,
      schema,
      rows.map((r) => r[field]),
    );
  }

  /** The one row a define-* statement returns (it merges, so there always is one). */
  private static async defined<S extends z.ZodType>(
    tx: Tx,
    name: string,
    schema: S,
    params: Record<string, unknown>,
  ) {
    const [row] = parseRows(name, schema, await tx.run(name, params));
    if (row === undefined) throw new Error(`cypher/${name}.cypher returned no row`);
    return row;
  }

  // ---- definitions (each its own write transaction, with the change it causes)
  async defineTerm(tx: Tx, term: { vocabulary: string; key: string; label: string; broader: string | null }) {
    return ProfileRepository.defined(tx, 'profile/define-term', z.object({ term: termRow, wasMapped }), {
      term,
    });
  }

  async broaderChain(vocabulary: string, key: string): Promise<string[]> {
    const [row] = await readChecked(
      this.graph,
      'profile/broader-chain',
      z.object({ keys: z.array(z.string()) }),
      {
        vocabulary,
        key,
      },
    );
    return row?.keys ?? [];
  }

  async existing(topics: string[], campaigns: string[]) {
    const [row] = await readChecked(
      this.graph,
      'profile/term-exists',
      z.object({ topics: z.array(z.string()), campaigns: z.array(z.string()) }),
      { topics, campaigns },
    );
    return { topics: new Set(row?.topics), campaigns: new Set(row?.campaigns) };
  }

  async defineCampaign(tx: Tx, campaign: Omit<CampaignModel, 'name'> & { name: string }) {
    return ProfileRepository.defined(
      tx,
      'profile/define-campaign',
      z.object({ campaign: campaignRow, wasMapped }),
      { campaign },
    );
  }

  async defineAsset(tx: Tx, asset: Omit<AssetModel, 'name'> & { name: string }) {
    return ProfileRepository.defined(tx, 'profile/define-asset', z.object({ asset: assetRow, wasMapped }), {
      asset,
    });
  }

  async defineFactKey(tx: Tx, factKey: FactKeyDefinition) {
    return ProfileRepository.defined(
      tx,
      'profile/define-fact-key',
      z.object({ factKey: factKeyRow, wasMapped }),
      { factKey },
    );
  }

  async defineQuestion(tx: Tx, question: QuestionRecord) {
    return ProfileRepository.defined(
      tx,
      'profile/define-question',
      z.object({ question: questionRow, wasMapped }),
      { question },
    );
  }

  // ---- reads
  async knowledgeRules(): Promise<KnowledgeRules> {
    const [row] = await readChecked(
      this.graph,
      'profile/knowledge-rules',
      z.object({ factKeys: z.array(factKeyRow), questions: z.array(questionRow) }),
    );
    const factKeys = row?.factKeys ?? [];
    const questions = row?.questions ?? [];
    return {
      factKeys: new Map(factKeys.map((k) => [k.key, k])),
      questions: new Map(questions.map((q) => [q.key, q])),
    };
  }

  factKeys(): Promise<FactKeyModel[]> {
    return this.readMaps('profile/fact-keys', 'factKey', factKeyRow);
  }

  questions(): Promise<QuestionModel[]> {
    return this.readMaps('profile/questions', 'question', questionRow);
  }

  terms(keys: readonly { vocabulary: string; key: string }[]): Promise<TermModel[]> {
    return this.readMaps('profile/terms', 'term', termRow, { keys });
  }

  vocabulary(vocabulary: string): Promise<TermModel[]> {
    return this.readMaps('profile/vocabulary', 'term', termRow, { vocabulary });
  }

  campaigns(codes: readonly string[]): Promise<CampaignModel[]> {
    return this.readMaps('profile/campaigns', 'campaign', campaignRow, { codes });
  }

  assets(codes: readonly string[]): Promise<AssetModel[]> {
    return this.readMaps('profile/assets', 'asset', assetRow, { codes });
  }

  async eventTaxonomy(ids: readonly string[]): Promise<EventTaxonomyModel[]> {
    const rows = await readChecked(this.graph, 'profile/event-taxonomy', taxonomyRow, { ids });
    return rows.map((r) => ({
      ...r,
      answers: r.answers.map((a) => ({ question: a.question, value: parseJsonText(a.value) })),
    }));
  }

  async unmapped(first: number): Promise<UnmappedReportModel[]> {
    return readChecked(this.graph, 'profile/unmapped', unmappedRow, { first });
  }

  async lastAsked(personaIds: string[]): Promise<Map<string, string>> {
    const rows = await readChecked(
      this.graph,
      'profile/asked-of-personas',
      z.object({ question: z.string(), lastAsked: z.string() }),
      { ids: personaIds },
    );
    return new Map(rows.map((r) => [r.question, r.lastAsked]));
  }

  async requiredFacts(): Promise<Map<string, number>> {
    const rows = await readChecked(
      this.graph,
      'profile/required-facts',
      z.object({ key: z.string(), neededBy: z.number().int() }),
    );
    return new Map(rows.map((r) => [r.key, r.neededBy]));
  }

  async activity(personaIds: string[]) {
    return readChecked(
      this.graph,
      'profile/activity-of-personas',
      z.object({ type: z.string(), count: z.number().int(), lastAt: z.string() }),
      { ids: personaIds },
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
