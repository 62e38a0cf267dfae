// Customer knowledge as the profile repositories return it: taxonomy (terms, campaigns, assets), fact
// keys, the question registry, and the answers progressive profiling, completeness and rendering give.
import type { Channel, FactValueType } from '../generated/graphql.js';
import type { ResolutionModel } from '../resolution/resolution.model.js';

export type { FactValueType };

export interface TermModel {
  vocabulary: string;
  key: string;
  label: string | null;
  broader: string | null;
}

export interface CampaignModel {
  code: string;
  name: string | null;
  channel: Channel | null;
  topics: string[];
}

export interface AssetModel {
  code: string;
  name: string | null;
  campaign: string | null;
  topics: string[];
}

export interface FactKeyModel {
  key: string;
  label: string | null;
  type: FactValueType;
  allowedValues: string[] | null;
  sensitive: boolean;
}

export interface QuestionModel {
  key: string;
  factKey: string;
  text: string;
  options: string[] | null;
  valueExchange: string | null;
  after: { question: string; answers: string[] | null } | null;
  cooldownDays: number;
}

export interface UnmappedReportModel {
  kind: string;
  code: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
}

/** The taxonomy an event carries, by event id (codes as stored; decoded by loaders at read time). */
export interface EventTaxonomyModel {
  eventId: string;
  campaign: string | null;
  asset: string | null;
  terms: { vocabulary: string; key: string }[];
  asked: string[];
  answers: { question: string; value: unknown }[];
}

export interface QuestionToAskModel {
  question: QuestionModel;
  reason: string;
  neededBy: number;
}

export interface CoverageModel {
  score: number;
  missing: string[];
}

export interface CompletenessModel {
  identity: CoverageModel;
  contactability: CoverageModel;
  traceability: CoverageModel;
}

export interface RenderingModel {
  text: string | null;
  missing: string[];
  refused: string | null;
  resolution: ResolutionModel;
}

/** What the ingest hooks need to check an event's facts and answers: read once per batch. */
export interface KnowledgeRules {
  factKeys: Map<string, FactKeyModel>;
  questions: Map<string, QuestionModel>;
}
