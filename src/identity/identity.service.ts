// The identity rules besides ingestion: identifier types and their limits, explicit grouping
// assertions, detachments. Every change regroups the personas it touches and is audited.
import { recordChanges } from '../outbox/outbox.js';
import { DefinitionCache } from '../changes/definitions.cache.js';
import type { AppConfig } from '../config.js';
import { badUserInput, notFound } from '../errors.js';
import type { IdentifierTypeInput } from '../generated/graphql.js';
import type { Graph, Tx } from '../graph/run.js';
import { recordAudit } from '../access/audit.js';
import { personIdsOf, regroup, sharedFlagChanges } from './grouping.js';
import type {
  EventModel,
  IdentifierKey,
  IdentifierTypeModel,
  PersonaModel,
  PersonModel,
} from './identity.model.js';
import { IdentityRepository } from './identity.repository.js';
import { defaultMaxPersonas, normalizeIdentifier } from './normalize.js';

const typeNamePattern = /^[a-z][a-z0-9_-]{0,39}$/;
/** Seeds per transaction of a staleness regrouping: each takes the grouping lock once. */
const staleBatch = 200;

/** What a staleness regrouping did. */
export interface StaleRegrouping {
  /** Personas that were grouped through stale evidence. */
  checked: number;
  /** Persons split because stale evidence was all that held them together. */
  splits: number;
}

export class IdentityService {
  constructor(
    private readonly graph: Graph,
    private readonly config: AppConfig,
    private readonly actor: string,
    /** This instance's cache of the registry; without one, each service reads it once. */
    private readonly definitions = new DefinitionCache(),
    private readonly repo: IdentityRepository = new IdentityRepository(graph),
  ) {}

  async event(id: string): Promise<EventModel | null> {
    const row = await this.repo.eventById(id);
    return row
      ? { ...row.event, personaId: row.personaId, identifiers: row.identifiers, mentions: row.mentions }
      : null;
  }

  personasByKeys(keys: string[]): Promise<PersonaModel[]> {
    return this.repo.personasByKeys(keys);
  }

  identifierTypes(): Promise<IdentifierTypeModel[]> {
    return this.definitions.get('identifierTypes', '*', () => this.repo.identifierTypes());
  }

  /** Normalizes an identifier a client asks about, with the same rules as ingestion. */
  async normalize(input: { type: string; value: string }): Promise<IdentifierKey> {
    const { type, result } = await this.normalizeByRegistry(input);
    if (result.outcome !== 'ok') throw badUserInput(result.reason, { field: 'value' });
    return { type, value: result.value };
  }

  /** Like normalize, but a blocked or invalid value simply names no identifier. */
  async tryNormalize(input: { type: string; value: string }): Promise<IdentifierKey | null> {
    const { type, result } = await this.normalizeByRegistry(input);
    return result.outcome === 'ok' ? { type, value: result.value } : null;
  }

  /** tryNormalize against a registry the caller already read. */
  tryNormalizeAmong(
    types: IdentifierTypeModel[],
    input: { type: string; value: string },
  ): IdentifierKey | null {
    const { type, result } = this.normalizeAmong(types, input);
    return result.outcome === 'ok' ? { type, value: result.value } : null;
  }

  private async normalizeByRegistry(input: { type: string; value: string }) {
    return this.normalizeAmong(await this.identifierTypes(), input);
  }

  private normalizeAmong(types: IdentifierTypeModel[], input: { type: string; value: string }) {
    const type = types.find((t) => t.name === input.type);
    if (!type) throw badUserInput(`Unknown identifier type "${input.type}"`, { field: 'type' });
    return { type: type.name, result: normalizeIdentifier(input.value, type, this.config.defaultRegion) };
  }

  async defineIdentifierType(input: IdentifierTypeInput): Promise<IdentifierTypeModel> {
    if (!typeNamePattern.test(input.name)) {
      throw badUserInput(
        'name must be lower-case letters, digits, "-" or "_", starting with a letter (at most 40)',
      );
    }
    const maxPersonas = input.maxPersonas ?? defaultMaxPersonas[input.kind];
    if (maxPersonas < 1) throw badUserInput('maxPersonas must be at least 1');
    const staleAfterDays = input.staleAfterDays ?? null;
    const recycleAfterDays =
      input.recycleAfterDays ?? (input.kind === 'EMAIL' || input.kind === 'PHONE' ? 90 : null);
    if (staleAfterDays !== null && staleAfterDays < 1)
      throw badUserInput('staleAfterDays must be at least 1');
    if (recycleAfterDays !== null && recycleAfterDays < 1)
      throw badUserInput('recycleAfterDays must be at least 1');
    const type: IdentifierTypeModel = {
      name: input.name,
      kind: input.kind,
      contactChannel: input.contactChannel ?? null,
      maxPersonas,
      blockedValues: (input.blockedValues ?? []).map((v) => v.trim()).filter(Boolean),
      staleAfterDays,
      recycleAfterDays,
    };
    const defined = await this.graph.writeTx('defineIdentifierType', async (tx) => {
      const stored = await this.repo.defineIdentifierType(tx, type);
      // A new limit may make identifiers shared (or no longer shared): persons follow.
      const identifiers = await this.repo.identifiersOfType(tx, type.name);
      const refreshed = await this.repo.refreshShared(tx, identifiers);
      const flipped = refreshed.filter((r) => r.flipped);
      const cause = { event: null, action: 'defineIdentifierType' };
      const regrouping = await regroup(
        tx,
        this.repo,
        flipped.flatMap((r) => r.holderIds),
        cause,
      );
      await recordChanges(tx, [
        ...sharedFlagChanges(refreshed, regrouping, () => cause),
        ...regrouping.changes,
        // Every instance's feed delivers this and drops its cached registry (changes/definitions.cache.ts).
        {
          type: 'IDENTIFIER_TYPE_DEFINED',
          personaIds: [],
          personIds: [],
          data: { event: null, action: 'defineIdentifierType', name: type.name },
        },
      ]);
      await recordAudit(tx, 'defineIdentifierType', this.actor, { ...type });
      return stored;
    });
    this.definitions.forget('identifierTypes');
    return defined;
  }

  /**
   * Undoes groupings whose only glue has gone stale: WEAK evidence older than its type's
   * staleAfterDays groups nobody (grouping-closure.cypher), so regrouping the personas it still joins
   * splits their persons, with PERSON_SPLIT changes caused by {action: "staleness"}. Idempotent: a
   * second pass splits nothing (it checks again the personas other evidence still keeps together). Run by `idgraph regroup --stale` and periodically by serve.
   */
  async regroupStale(progress: (done: number, of: number) => void = () => {}): Promise<StaleRegrouping> {
    const seeds = await this.repo.staleGlue();
    let splits = 0;
    for (let n = 0; n < seeds.length; n += staleBatch) {
      const batch = seeds.slice(n, n + staleBatch);
      splits += await this.graph.writeTx('regroupStale', async (tx) => {
        const regrouping = await regroup(tx, this.repo, batch, { event: null, action: 'staleness' });
        await recordChanges(tx, regrouping.changes);
        return regrouping.transitions.filter((t) => t.type === 'PERSON_SPLIT').length;
      });
      progress(Math.min(n + staleBatch, seeds.length), seeds.length);
    }
    return { checked: seeds.length, splits };
  }

  private async requirePersonas(ids: string[]): Promise<void> {
    const found = new Set((await this.repo.personasByIds(ids)).map((p) => p.id));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length) throw notFound(`No persona with id ${missing.join(', ')}`);
  }

  private async personsOf(tx: Tx, ids: string[]): Promise<PersonModel[]> {
    const rows = await this.repo.currentPersons(tx, ids);
    return [...new Set(rows.map((r) => r.personId).filter((p): p is string => Boolean(p)))].map((id) => ({
      id,
    }));
  }

  async linkPersonas(a: string, b: string, evidence: string): Promise<PersonModel> {
    if (a === b) throw badUserInput('A persona cannot be linked to itself');
    if (!evidence.trim()) throw badUserInput('evidence is required: say why these personas are one person');
    await this.requirePersonas([a, b]);
    const [first, second] = a < b ? [a, b] : [b, a];
    return this.graph.writeTx('linkPersonas', async (tx) => {
      await this.repo.assertSamePerson(tx, first, second, evidence.trim(), this.actor);
      const regrouping = await regroup(tx, this.repo, [a, b], { event: null, action: 'linkPersonas' });
      await recordChanges(tx, regrouping.changes);
      await recordAudit(tx, 'linkPersonas', this.actor, { a, b, evidence });
      const [person] = await this.personsOf(tx, [a]);
      return person!;
    });
  }

  async unlinkPersonas(a: string, b: string, reason: string): Promise<PersonModel[]> {
    if (!reason.trim()) throw badUserInput('reason is required');
    await this.requirePersonas([a, b]);
    return this.graph.writeTx('unlinkPersonas', async (tx) => {
      const revoked = await this.repo.revokeSamePerson(tx, a, b, reason.trim(), this.actor);
      if (revoked === 0) {
        throw notFound(
          'No active assertion links these personas. Personas grouped by a shared identifier are separated by detachIdentifier.',
        );
      }
      const regrouping = await regroup(tx, this.repo, [a, b], { event: null, action: 'unlinkPersonas' });
      await recordChanges(tx, regrouping.changes);
      await recordAudit(tx, 'unlinkPersonas', this.actor, { a, b, reason });
      return this.personsOf(tx, [a, b]);
    });
  }

  async detachIdentifier(personaId: string, input: IdentifierKey, reason: string): Promise<PersonaModel> {
    if (!reason.trim()) throw badUserInput('reason is required');
    const key = await this.normalize(input);
    await this.requirePersonas([personaId]);
    await this.graph.writeTx('detachIdentifier', async (tx) => {
      const detached = await this.repo.detachIdentifier(tx, personaId, key, reason.trim(), this.actor);
      if (!detached) throw notFound(`Persona ${personaId} does not hold ${key.type} ${key.value}`);
      const [shared] = await this.repo.refreshShared(tx, [key]);
      const cause = { event: null, action: 'detachIdentifier' };
      const regrouping = await regroup(tx, this.repo, [personaId, ...(shared?.holderIds ?? [])], cause);
      await recordChanges(tx, [
        {
          type: 'IDENTIFIER_DETACHED',
          personaIds: [personaId],
          personIds: personIdsOf(regrouping, [personaId]),
          data: { ...cause, ...key, reason },
        },
        ...(shared ? sharedFlagChanges([shared], regrouping, () => cause) : []),
        ...regrouping.changes,
      ]);
      await recordAudit(tx, 'detachIdentifier', this.actor, { personaId, ...key, reason });
    });
    const [persona] = await this.repo.personasByIds([personaId]);
    return persona!;
  }
}
