// Use cases (resolution policies as data) and resolutions as the service returns them.
import type { LinkStrength, ResolutionScope, SuppressionCode } from '../generated/graphql.js';
import type {
  FactModel,
  IdentifierModel,
  PersonaContext,
  PersonaModel,
  PersonModel,
} from '../identity/identity.model.js';

export interface UseCaseModel {
  name: string;
  description: string | null;
  scope: ResolutionScope;
  minStrength: LinkStrength;
  maxHops: number;
  contexts: PersonaContext[] | null;
  excludeContexts: PersonaContext[];
  contactTypes: string[];
  consentPurpose: string | null;
  pressureCap: { max: number; windowDays: number; purpose: string } | null;
  requiredFacts: string[];
  /** One contact per persona in scope (Resolution.contacts) instead of one. */
  contactEvery: boolean;
}

export interface SuppressionModel {
  code: SuppressionCode;
  message: string;
}

export interface ExplanationStepModel {
  rule: string;
  detail: string;
}

export interface ResolutionModel {
  useCase: string;
  scope: ResolutionScope;
  anchor: IdentifierModel | null;
  personas: PersonaModel[];
  person: PersonModel | null;
  contact: IdentifierModel | null;
  contacts: IdentifierModel[];
  facts: FactModel[];
  suppressions: SuppressionModel[];
  candidates: PersonaModel[];
  confidence: number;
  explanation: ExplanationStepModel[];
}
