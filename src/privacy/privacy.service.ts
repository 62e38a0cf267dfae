// The privacy rules: export everything held about a person, erase it whole, and read the audit trail.
import { recordChanges } from '../outbox/outbox.js';
import type { AppConfig } from '../config.js';
import { badUserInput, notFound } from '../errors.js';
import { parseJsonText } from '../graph/rows.js';
import type { Graph } from '../graph/run.js';
import type { RegroupingService } from '../identity/regrouping.service.js';
import { recordAudit } from '../access/audit.js';
import { rememberErased } from '../access/erased.js';
import type { AuditEntryModel, AuditPage, ErasureModel } from './privacy.model.js';
import { PrivacyRepository, type AuditRow, type Target } from './privacy.repository.js';

const maxAuditPage = 500;

/** A stored value that may be JSON text (a fact's value, audit details); any other is as it is. */
const parseStored = (value: unknown): unknown => (typeof value === 'string' ? parseJsonText(value) : value);

function auditEntry(row: AuditRow): AuditEntryModel {
  const details = (parseStored(row.details) ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : null);
  // Each action records its own details; the target is the id or name it acted on, never a value.
  const target =
    text(details.target) ??
    text(details.personaId) ??
    (details.a && details.b ? `${text(details.a)} ${text(details.b)}` : null) ??
    text(details.name);
  return {
    id: row.id,
    who: row.actor,
    when: row.at,
    action: row.action,
    target,
    reason: text(details.reason) ?? text(details.evidence),
    atText: row.atText,
  };
}

const encodeCursor = (entry: AuditEntryModel) =>
  Buffer.from(JSON.stringify([entry.atText, entry.id])).toString('base64url');

function decodeCursor(cursor: string): { at: string; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof at === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(at))) return { at, id };
  } catch {
    // fall through
  }
  throw badUserInput('after is not a cursor of the audit log', { field: 'after' });
}

export class PrivacyService {
  private readonly repo: PrivacyRepository;

  constructor(
    private readonly graph: Graph,
    private readonly config: AppConfig,
    private readonly regrouping: RegroupingService,
    private readonly actor: string,
  ) {
    this.repo = new PrivacyRepository(graph);
  }

  /** Everything held about a person or persona, as one document; NOT_FOUND when there is nothing. */
  async export(target: Target): Promise<Record<string, unknown>> {
    const personas = await this.repo.exportPersonas(target);
    if (personas.length === 0) {
      throw notFound(target.personId ? `No person ${target.personId}` : `No persona ${target.personaId}`);
    }
    return {
      exportedAt: new Date().toISOString(),
      person: target.personId ?? (personas[0]!.person as string | null) ?? null,
      personas: personas.map((p) => ({
        ...p,
        facts: (p.facts as { value: unknown }[]).map((f) => ({ ...f, value: parseStored(f.value) })),
      })),
    };
  }

  /**
   * Erases the personas of a person (or one persona) and whatever belongs only to them, in one
   * transaction; idempotent: a second call finds nothing and removes nothing.
   */
  async erase(target: Target, reason: string): Promise<ErasureModel> {
    if (!reason.trim()) throw badUserInput('reason is required', { field: 'reason' });
    const action = target.personId ? 'erasePerson' : 'erasePersona';
    return this.graph.writeTx(action, async (tx) => {
      const scope = await this.repo.erasureScope(tx, target);
      const removed: ErasureModel = {
        personas: scope.personaIds.length,
        identifiers: scope.identifiers.length,
        devices: scope.deviceIds.length,
        events: scope.eventIds.length,
        facts: scope.factIds.length,
        consents: scope.consentIds.length,
      };
      const id = target.personId ?? target.personaId;
      if (scope.personaIds.length > 0) {
        await this.repo.erase(tx, scope);
        await rememberErased(tx, this.config.privacy.erasureSecret, scope.identifiers);
        // Matched as JSON strings (with their quotes), so a short value does not match inside another.
        const values = scope.identifiers.map((k) => JSON.stringify(k.value));
        await this.repo.blankChanges(tx, scope.personaIds, values);
        await this.repo.blankAudit(tx, values);
        const regrouped = await this.regrouping.afterRemoval(
          tx,
          scope.keptIdentifiers,
          scope.remainingPersonaIds,
        );
        await recordChanges(tx, [
          {
            type: 'PERSON_ERASED',
            personaIds: scope.personaIds,
            personIds: scope.personIds,
            data: { event: null, action, removed },
          },
          ...regrouped,
        ]);
      }
      await recordAudit(tx, action, this.actor, { target: id, reason: reason.trim(), removed });
      return removed;
    });
  }

  async auditLog(first: number | null | undefined, after: string | null | undefined): Promise<AuditPage> {
    const limit = first ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > maxAuditPage) {
      throw badUserInput(`first must be between 1 and ${maxAuditPage}`, { field: 'first' });
    }
    const rows = await this.repo.auditPage(after ? decodeCursor(after) : null, limit + 1);
    const entries = rows.slice(0, limit).map(auditEntry);
    const edges = entries.map((node) => ({ cursor: encodeCursor(node), node }));
    return {
      edges,
      pageInfo: { endCursor: edges.at(-1)?.cursor ?? null, hasNextPage: rows.length > limit },
    };
  }
}
