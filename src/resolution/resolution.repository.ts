// The only code that names resolution queries; returns plain models.
import type { Graph } from '../graph/run.js';
import { recordAudit } from '../privacy/audit.repository.js';
import type { IdentifierKey, IdentifierModel, PersonaModel } from '../identity/identity.model.js';
import type { UseCaseModel } from './resolution.model.js';

interface StoredUseCase {
  name: string;
  description?: string;
  scope: UseCaseModel['scope'];
  minStrength?: UseCaseModel['minStrength'];
  maxHops?: number;
  contexts?: UseCaseModel['contexts'];
  excludeContexts?: UseCaseModel['excludeContexts'];
  contactTypes?: string[];
  consentPurpose?: string;
  pressureMax?: number;
  pressureWindowDays?: number;
  pressurePurpose?: string;
  requiredFacts?: string[];
}

function fromStored(u: StoredUseCase): UseCaseModel {
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
      u.pressureMax !== undefined && u.pressureWindowDays !== undefined
        ? { max: u.pressureMax, windowDays: u.pressureWindowDays, purpose: u.pressurePurpose ?? u.name }
        : null,
    requiredFacts: u.requiredFacts ?? [],
  };
}

export interface AnchorRow {
  anchor: IdentifierModel;
  maxPersonas: number;
  holders: { persona: PersonaModel; eventId: string; source: string; since: string; strength: string }[];
}

export interface NearestRow {
  persona: PersonaModel;
  hops: number;
  steps: { from: string; rel: string; strength: string; to: string }[];
}

export interface PersonRow {
  personaId: string;
  personId: string;
  members: PersonaModel[];
  sharedIdentifiers: { a: string; b: string; type: string; value: string }[];
  assertions: { a: string; b: string; evidence: string }[];
}

export class ResolutionRepository {
  constructor(private readonly graph: Graph) {}

  async defineUseCase(useCase: UseCaseModel, actor: string): Promise<UseCaseModel> {
    const { pressureCap, ...rest } = useCase;
    // Neo4j stores no nulls: absent properties read back as the defaults above.
    const stored = Object.fromEntries(
      Object.entries({
        ...rest,
        pressureMax: pressureCap?.max,
        pressureWindowDays: pressureCap?.windowDays,
        pressurePurpose: pressureCap?.purpose,
      }).filter(([, v]) => v !== null && v !== undefined),
    );
    return this.graph.writeTx('defineUseCase', async (tx) => {
      const [row] = await tx.run<{ useCase: StoredUseCase }>('resolution/define-use-case', {
        useCase: stored,
      });
      await recordAudit(tx, 'defineUseCase', actor, stored);
      return fromStored(row!.useCase);
    });
  }

  async useCasesByNames(names: readonly string[]): Promise<UseCaseModel[]> {
    const rows = await this.graph.read<{ useCase: StoredUseCase }>('resolution/use-cases-by-names', {
      names,
    });
    return rows.map((r) => fromStored(r.useCase));
  }

  async useCases(): Promise<UseCaseModel[]> {
    return (await this.graph.read<{ useCase: StoredUseCase }>('resolution/use-cases')).map((r) =>
      fromStored(r.useCase),
    );
  }

  async anchor(key: IdentifierKey): Promise<AnchorRow | null> {
    const [row] = await this.graph.read<AnchorRow>('resolution/anchor', { ...key });
    return row ?? null;
  }

  async nearestPersonas(key: IdentifierKey, strengths: string[], maxHops: number): Promise<NearestRow[]> {
    return this.graph.read<NearestRow>('resolution/nearest-personas', { ...key, strengths, maxHops });
  }

  async personsOfPersonas(ids: string[]): Promise<PersonRow[]> {
    return this.graph.read<PersonRow>('resolution/persons-of-personas', { ids });
  }

  async consentsForPurpose(ids: string[], purpose: string, channel: string) {
    return this.graph.read<{
      personaId: string;
      granted: boolean;
      at: string;
      type: string | null;
      value: string | null;
    }>('resolution/consents-for-purpose', { ids, purpose, channel });
  }

  async messagesSent(
    ids: string[],
    identifiers: IdentifierKey[],
    purpose: string,
    windowDays: number,
  ): Promise<number> {
    const [row] = await this.graph.read<{ sent: number }>('resolution/messages-sent', {
      ids,
      identifiers: identifiers.map(({ type, value }) => ({ type, value })),
      purpose,
      windowDays,
    });
    return row?.sent ?? 0;
  }
}
