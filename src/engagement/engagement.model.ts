// Engagement as the API returns it: figures and ranks from the latest scoring run.
import type { PersonaModel } from '../identity/identity.model.js';
export interface RecencyFrequencyModel {
  lastAt: string;
  days: number;
  count: number;
  recencyRank: number;
  frequencyRank: number;
}

export interface RfmModel extends RecencyFrequencyModel {
  monetary: number;
  monetaryRank: number;
}

export interface EngagementModel {
  at: string;
  rfo: RecencyFrequencyModel | null;
  rfc: RecencyFrequencyModel | null;
  rfm: RfmModel | null;
  interests: { topic: string; score: number }[];
}

export interface PressureModel {
  sent: number;
  personas: { persona: PersonaModel; sent: number }[];
}

export interface ScoringRunModel {
  at: string;
  personas: number;
  changed: number;
  groupsChanged: number;
}
