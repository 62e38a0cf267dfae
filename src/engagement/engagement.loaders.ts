// Per-request DataLoaders of engagement: one query per batch of personas.
import DataLoader from 'dataloader';
import type { EngagementModel } from './engagement.model.js';
import { toEngagement, type EngagementRepository } from './engagement.repository.js';

export function createEngagementLoaders(repo: EngagementRepository) {
  return {
    engagementOfPersona: new DataLoader<string, EngagementModel | null>(async (ids) => {
      const found = new Map(
        (await repo.engagementOfPersonas(ids)).map((r) => [r.personaId, toEngagement(r.engagement)]),
      );
      return ids.map((id) => found.get(id) ?? null);
    }),
  };
}
