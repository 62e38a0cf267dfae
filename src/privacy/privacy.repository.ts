// The only code that names privacy queries (export, erasure, audit log); rows are checked with zod.
import { z } from 'zod';
import type { Graph, Tx } from '../graph/run.js';
import type { IdentifierKey } from '../identity/identity.model.js';

const key = z.object({ type: z.string(), value: z.string() });
const erasureScopeRow = z.object({
  personaIds: z.array(z.string()),
  personIds: z.array(z.string()),
  identifiers: z.array(key),
  deviceIds: z.array(z.string()),
  eventIds: z.array(z.string()),
  factIds: z.array(z.string()),
  consentIds: z.array(z.string()),
  remainingPersonaIds: z.array(z.string()),
  keptIdentifiers: z.array(key),
});
export type ErasureScope = z.infer<typeof erasureScopeRow>;

const exportRow = z.object({ persona: z.record(z.string(), z.unknown()).and(z.object({ id: z.string() })) });
const auditRow = z.object({
  entry: z.object({
    id: z.string(),
    action: z.string(),
    actor: z.string(),
    details: z.string().nullable(),
    at: z.string(),
    atText: z.string(),
  }),
});
export type AuditRow = z.infer<typeof auditRow>['entry'];

export interface Target {
  personId: string | null;
  personaId: string | null;
}

export class PrivacyRepository {
  constructor(private readonly graph: Graph) {}

  async erasureScope(tx: Tx, target: Target): Promise<ErasureScope> {
    const [row] = await tx.run('privacy/erasure-scope', { ...target });
    return erasureScopeRow.parse(row);
  }

  async erase(tx: Tx, scope: ErasureScope): Promise<void> {
    const { personaIds, personIds, identifiers, deviceIds, eventIds, factIds, consentIds } = scope;
    await tx.run('privacy/erase', {
      personaIds,
      personIds,
      identifiers,
      deviceIds,
      eventIds,
      factIds,
      consentIds,
    });
  }

  async blankChanges(tx: Tx, personaIds: string[], values: string[]): Promise<number> {
    const [row] = await tx.run('privacy/blank-changes', { personaIds, values });
    return z.object({ blanked: z.number() }).parse(row).blanked;
  }

  async blankAudit(tx: Tx, values: string[]): Promise<number> {
    const [row] = await tx.run('privacy/blank-audit', { values });
    return z.object({ blanked: z.number() }).parse(row).blanked;
  }

  async exportPersonas(target: Target): Promise<Record<string, unknown>[]> {
    const rows = await this.graph.read('privacy/export', { ...target });
    return rows.map((row) => exportRow.parse(row).persona);
  }

  async auditPage(after: { at: string; id: string } | null, limit: number): Promise<AuditRow[]> {
    const rows = await this.graph.read('privacy/audit-page', {
      afterAt: after?.at ?? null,
      afterId: after?.id ?? null,
      limit,
    });
    return rows.map((row) => auditRow.parse(row).entry);
  }
}

export type { IdentifierKey };
