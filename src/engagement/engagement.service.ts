// Scores, interests and their ranks: computed in Cypher over the whole graph, batch by batch, then
// every persona whose engagement changed becomes an ENGAGEMENT_CHANGED change, and every person whose
// digital group moved a DIGITAL_GROUP_CHANGED change.
import { recordChanges } from '../outbox/outbox.js';
import type { ChangeInput } from '../outbox/outbox.model.js';
import type { AppConfig } from '../config.js';
import type { Graph } from '../graph/run.js';
import { badUserInput } from '../errors.js';
import type { IdentityService } from '../identity/identity.service.js';
import { digitalProfile, selfServiceTypes, type DigitalProfileModel } from './digital-profile.js';
import type { PressureModel, ScoringRunModel } from './engagement.model.js';
import { EngagementRepository, toEngagement } from './engagement.repository.js';

/** Changes recorded per write transaction. */
const changesPerTransaction = 1_000;
/** Persons whose digital profile is recomputed per read. */
const personsPerPage = 500;

export class EngagementService {
  private readonly repo: EngagementRepository;

  constructor(
    private readonly graph: Graph,
    private readonly config: AppConfig,
    private readonly identity: IdentityService,
  ) {
    this.repo = new EngagementRepository(graph);
  }

  /**
   * Messages of a purpose sent in the window over the identifier's person: three personas of one
   * human being are one inbox's worth of pressure. Each message counts once.
   */
  async pressure(
    identifier: { type: string; value: string },
    purpose: string,
    windowDays: number,
  ): Promise<PressureModel> {
    if (!purpose.trim()) throw badUserInput('purpose is required', { field: 'purpose' });
    if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > 3650) {
      throw badUserInput('windowDays must be a whole number of days from 1 to 3650', { field: 'windowDays' });
    }
    const key = await this.identity.tryNormalize(identifier);
    const row = key
      ? await this.repo.pressure({ ...key, purpose, windowDays, now: new Date().toISOString() })
      : null;
    if (!row) return { sent: 0, personas: [] };
    const all = new Set([...row.direct, ...row.personas.flatMap((p) => p.sent)]);
    return {
      sent: all.size,
      personas: row.personas.map((p) => ({ persona: p.persona, sent: new Set(p.sent).size })),
    };
  }

  /** What kind of digital customer a person is, from the behaviour of all its personas now. */
  async digitalProfile(personId: string): Promise<DigitalProfileModel | null> {
    const [inputs] = await this.digitalInputs([personId]);
    return inputs ? digitalProfile(inputs, this.config.engagement) : null;
  }

  /** What the digital profiles of these persons are computed from (one row per person found). */
  private digitalInputs(personIds: readonly string[]) {
    const { channelFactKey, deviceFactKey } = this.config.engagement;
    return this.repo.digitalInputs(personIds, selfServiceTypes, { channelFactKey, deviceFactKey });
  }

  /** Incremental: only personas with events ingested since the last run are rescored; ranks always. */
  async computeScores(): Promise<ScoringRunModel> {
    const now = new Date().toISOString();
    const since = await this.repo.lastRun();
    const personas = await this.repo.scorePersonas({
      since,
      now,
      halfLifeDays: this.config.engagement.halfLifeDays,
      interestFactKeys: this.config.engagement.interestFactKeys,
    });
    await this.repo.rankPersonas(now);
    let changed = 0;
    for (let afterId = ''; ;) {
      const page = await this.repo.changedPage(now, afterId, changesPerTransaction);
      if (page.length === 0) break;
      const changes: ChangeInput[] = page.map((row) => {
        const engagement = toEngagement(row.engagement);
        return {
          type: 'ENGAGEMENT_CHANGED',
          personaIds: [row.personaId],
          personIds: row.personId ? [row.personId] : [],
          data: {
            event: null,
            action: 'computeScores',
            at: now,
            rfo: engagement.rfo,
            rfc: engagement.rfc,
            rfm: engagement.rfm,
            interests: engagement.interests.slice(0, 5),
          },
        };
      });
      await this.graph.writeTx('engagement/record-changes', (tx) => recordChanges(tx, changes));
      changed += page.length;
      afterId = page.at(-1)!.personaId;
    }
    const groupsChanged = await this.recordDigitalGroups(since, now);
    await this.repo.recordRun(now, personas, changed);
    return { at: now, personas, changed, groupsChanged };
  }

  /**
   * The digital group of every person with new events since the last run, against the group the
   * last run left it in: each move is a DIGITAL_GROUP_CHANGED change (the first group too).
   */
  private async recordDigitalGroups(since: string | null, now: string): Promise<number> {
    let moved = 0;
    for (let afterId = ''; ;) {
      const personIds = await this.repo.personsWithEventsSince(since, afterId, personsPerPage);
      if (personIds.length === 0) break;
      const inputs = await this.digitalInputs(personIds);
      const moves = inputs.flatMap(({ personId, personaIds, lastGroup, ...rest }) => {
        const profile = digitalProfile(rest, this.config.engagement);
        return profile.group === lastGroup ? [] : [{ personId, personaIds, before: lastGroup, profile }];
      });
      if (moves.length > 0) {
        await this.graph.writeTx('engagement/record-digital-groups', async (tx) => {
          await this.repo.setDigitalGroups(
            tx,
            now,
            moves.map((m) => ({ personId: m.personId, group: m.profile.group })),
          );
          await recordChanges(
            tx,
            moves.map((m) => ({
              type: 'DIGITAL_GROUP_CHANGED',
              personaIds: m.personaIds,
              personIds: [m.personId],
              data: {
                event: null,
                action: 'computeScores',
                at: now,
                before: m.before,
                after: m.profile.group,
                sophistication: m.profile.sophistication,
                willingnessToShare: m.profile.willingnessToShare,
              },
            })),
          );
        });
      }
      moved += moves.length;
      afterId = personIds.at(-1)!;
    }
    return moved;
  }
}
