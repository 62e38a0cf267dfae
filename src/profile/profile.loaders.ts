// Per-request DataLoaders for decoding events' codes at read time: one query per batch, key order kept.
import DataLoader from 'dataloader';
import type { AssetModel, CampaignModel, EventTaxonomyModel, TermModel } from './profile.model.js';
import type { ProfileRepository } from './profile.repository.js';

const termKey = (t: { vocabulary: string; key: string }) => `${t.vocabulary}\u0000${t.key}`;

export function createProfileLoaders(repo: ProfileRepository) {
  return {
    eventTaxonomy: new DataLoader<string, EventTaxonomyModel | null>(async (ids) => {
      const found = new Map((await repo.eventTaxonomy(ids)).map((r) => [r.eventId, r]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    campaign: new DataLoader<string, CampaignModel | null>(async (codes) => {
      const found = new Map((await repo.campaigns(codes)).map((c) => [c.code, c]));
      return codes.map((code) => found.get(code) ?? null);
    }),
    asset: new DataLoader<string, AssetModel | null>(async (codes) => {
      const found = new Map((await repo.assets(codes)).map((a) => [a.code, a]));
      return codes.map((code) => found.get(code) ?? null);
    }),
    term: new DataLoader<{ vocabulary: string; key: string }, TermModel | null, string>(
      async (keys) => {
        const found = new Map((await repo.terms(keys)).map((t) => [termKey(t), t]));
        return keys.map((k) => found.get(termKey(k)) ?? null);
      },
      { cacheKeyFn: termKey },
    ),
  };
}

export type ProfileLoaders = ReturnType<typeof createProfileLoaders>;
