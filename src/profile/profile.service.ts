// Customer knowledge: the taxonomy that gives codes their meaning, fact keys, the question registry,
// and the three answers built on a resolution: which question to ask next, how complete the
// knowledge is, and a personalized text that never shows a raw hole.
import type { ChangeInput } from '../outbox/outbox.model.js';
import { recordChanges } from '../outbox/outbox.js';
import { badUserInput } from '../errors.js';
import type {
  AssetInput,
  CampaignInput,
  FactKeyInput,
  IdentifierInput,
  QuestionInput,
  TermDefinitionInput,
} from '../generated/graphql.js';
import type { Graph, Tx } from '../graph/run.js';
import type { IdentityLoaders } from '../identity/identity.loaders.js';
import type {
  ConsentModel,
  FactModel,
  IdentifierModel,
  IdentifierTypeModel,
  PersonaModel,
} from '../identity/identity.model.js';
import type { IdentityService } from '../identity/identity.service.js';
import { recordAudit } from '../access/audit.js';
import type { AuthContext } from '../access/auth.js';
import { mayReadPii } from '../access/masking.js';
import type { ResolutionModel } from '../resolution/resolution.model.js';
import { chooseFacts } from '../resolution/resolution.rules.js';
import type { ResolutionService } from '../resolution/resolution.service.js';
import { valuesOf } from './facts.js';
import type {
  CompletenessModel,
  CoverageModel,
  QuestionModel,
  QuestionToAskModel,
  RenderingModel,
} from './profile.model.js';
import { ProfileRepository } from './profile.repository.js';
import { displayValue, parseTemplate, TemplateError } from './template.js';

const vocabularyPattern = /^[a-z][a-z0-9_-]{0,39}$/;
const keyPattern = /^[A-Za-z][A-Za-z0-9_.-]{0,79}$/;
const codePattern = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,119}$/;
const dayMs = 86_400_000;

/** The facts that say who someone is; an account or customer number identifies them too. */
export const identityFacts = ['first_name', 'last_name', 'birth_date'];
/** Event types by what they tell about a customer over time; message_sent is ours, not theirs. */
export const transactionTypes = ['purchase', 'booking', 'order', 'payment', 'refund', 'return', 'call'];
export const visitTypes = ['page_view', 'store_visit', 'visit', 'login', 'app_open', 'session'];
const notInteractions = new Set([...transactionTypes, ...visitTypes, 'message_sent']);
export const recentDays = 90;

const round = (n: number) => Math.round(n * 10_000) / 10_000;
const coverage = (checks: [string, boolean][]): CoverageModel => ({
  score: checks.length ? round(checks.filter(([, ok]) => ok).length / checks.length) : 1,
  missing: checks.filter(([, ok]) => !ok).map(([item]) => item),
});

function text(value: string | null | undefined, field: string, max: number, required = true) {
  const trimmed = value?.trim() ?? '';
  if (!trimmed) {
    if (required) throw badUserInput(`${field} is required`);
    return null;
  }
  if (trimmed.length > max) throw badUserInput(`${field} is longer than ${max} characters`);
  return trimmed;
}

function matching(value: string, pattern: RegExp, field: string, hint: string) {
  const trimmed = value.trim();
  if (!pattern.test(trimmed)) throw badUserInput(`${field} "${trimmed.slice(0, 80)}" must be ${hint}`);
  return trimmed;
}

export class ProfileService {
  private readonly repo: ProfileRepository;

  constructor(
    private readonly graph: Graph,
    private readonly identity: IdentityService,
    private readonly resolution: ResolutionService,
    private readonly loaders: IdentityLoaders,
    private readonly auth: AuthContext,
  ) {
    this.repo = new ProfileRepository(graph);
  }

  // ---- taxonomy and registries

  unmapped(first: number) {
    if (!Number.isInteger(first) || first < 1 || first > 1000) throw badUserInput('first must be 1 to 1000');
    return this.repo.unmapped(first);
  }

  terms(vocabulary: string) {
    return this.repo.vocabulary(vocabulary.trim());
  }

  factKeys() {
    return this.repo.factKeys();
  }

  termsByKeys(keys: { vocabulary: string; key: string }[]) {
    return this.repo.terms(keys);
  }

  campaignsByCodes(codes: string[]) {
    return this.repo.campaigns(codes);
  }

  assetsByCodes(codes: string[]) {
    return this.repo.assets(codes);
  }

  questions() {
    return this.repo.questions();
  }

  /** A definition and its change and audit entry, in one transaction. */
  private define<T>(
    action: string,
    kind: string,
    code: string,
    work: (tx: Tx) => Promise<{ model: T; wasMapped: boolean }>,
  ) {
    return this.graph.writeTx(action, async (tx) => {
      const { model, wasMapped } = await work(tx);
      const change: ChangeInput = {
        type: 'MAPPING_ADDED',
        personaIds: [],
        personIds: [],
        data: { event: null, action, kind, code, remapped: wasMapped },
      };
      await recordChanges(tx, [change]);
      await recordAudit(tx, action, this.auth.actor, { kind, code });
      return model;
    });
  }

  async defineTerm(input: TermDefinitionInput) {
    const vocabulary = matching(
      input.vocabulary,
      vocabularyPattern,
      'vocabulary',
      'lower-case letters, digits, "-" or "_"',
    );
    const key = matching(input.key, codePattern, 'key', 'letters, digits and "_.:/-", at most 120');
    const label = text(input.label, 'label', 200)!;
    const broader = text(input.broader, 'broader', 120, false);
    if (broader) {
      if (broader === key) throw badUserInput(`term ${vocabulary}/${key} cannot be broader than itself`);
      const chain = await this.repo.broaderChain(vocabulary, broader);
      if (chain.length === 0)
        throw badUserInput(`broader: no term ${vocabulary}/${broader}; define it first`);
      if (chain.includes(key))
        throw badUserInput(
          `broader: ${vocabulary}/${broader} is already narrower than ${key}; that would loop`,
        );
    }
    return this.define('defineTerm', vocabulary, key, async (tx) => {
      const { term, wasMapped } = await this.repo.defineTerm(tx, { vocabulary, key, label, broader });
      return { model: term, wasMapped };
    });
  }

  async defineCampaign(input: CampaignInput) {
    const code = matching(input.code, codePattern, 'code', 'letters, digits and "_.:/-", at most 120');
    const name = text(input.name, 'name', 200)!;
    const topics = [...new Set((input.topics ?? []).map((t) => t.trim()))];
    await this.requireExisting(topics, []);
    return this.define('defineCampaign', 'campaign', code, async (tx) => {
      const { campaign, wasMapped } = await this.repo.defineCampaign(tx, {
        code,
        name,
        channel: input.channel ?? null,
        topics,
      });
      return { model: campaign, wasMapped };
    });
  }

  async defineAsset(input: AssetInput) {
    const code = matching(input.code, codePattern, 'code', 'letters, digits and "_.:/-", at most 120');
    const name = text(input.name, 'name', 200)!;
    const campaign = text(input.campaign, 'campaign', 120, false);
    const topics = [...new Set((input.topics ?? []).map((t) => t.trim()))];
    await this.requireExisting(topics, campaign ? [campaign] : []);
    return this.define('defineAsset', 'asset', code, async (tx) => {
      const { asset, wasMapped } = await this.repo.defineAsset(tx, { code, name, campaign, topics });
      return { model: asset, wasMapped };
    });
  }

  private async requireExisting(topics: string[], campaigns: string[]) {
    if (!topics.length && !campaigns.length) return;
    const found = await this.repo.existing(topics, campaigns);
    const missingTopics = topics.filter((t) => !found.topics.has(t));
    if (missingTopics.length)
      throw badUserInput(
        `topics: no term ${missingTopics.join(', ')} in vocabulary topic; define them first`,
      );
    const missingCampaigns = campaigns.filter((c) => !found.campaigns.has(c));
    if (missingCampaigns.length)
      throw badUserInput(`campaign: no campaign ${missingCampaigns.join(', ')}; define it first`);
  }

  async defineFactKey(input: FactKeyInput) {
    const key = matching(input.key, keyPattern, 'key', 'a letter, then letters, digits, "_", "." or "-"');
    const allowedValues = input.allowedValues ? [...new Set(input.allowedValues.map((v) => v.trim()))] : null;
    if (input.type === 'ENUM' && !allowedValues?.length)
      throw badUserInput(`an ENUM fact key needs allowedValues`);
    if (allowedValues && !['STRING', 'ENUM', 'LIST'].includes(input.type))
      throw badUserInput(`allowedValues apply to STRING, ENUM and LIST keys, not ${input.type}`);
    if (allowedValues && (allowedValues.length > 500 || allowedValues.some((v) => !v || v.length > 200)))
      throw badUserInput('allowedValues: at most 500 non-empty values of at most 200 characters');
    return this.define('defineFactKey', 'fact', key, async (tx) => {
      const { factKey, wasMapped } = await this.repo.defineFactKey(tx, {
        key,
        label: text(input.label, 'label', 200, false),
        type: input.type,
        allowedValues,
        sensitive: input.sensitive ?? null,
      });
      return { model: factKey, wasMapped };
    });
  }

  async defineQuestion(input: QuestionInput) {
    const key = matching(input.key, keyPattern, 'key', 'a letter, then letters, digits, "_", "." or "-"');
    const factKeyName = input.factKey.trim();
    const cooldownDays = input.cooldownDays ?? 30;
    if (!Number.isInteger(cooldownDays) || cooldownDays < 0 || cooldownDays > 3650)
      throw badUserInput('cooldownDays must be 0 to 3650');
    const rules = await this.repo.knowledgeRules();
    const factKey = rules.factKeys.get(factKeyName);
    if (!factKey)
      throw badUserInput(`factKey: no fact key ${factKeyName}; define it with defineFactKey first`);
    const options = input.options ? input.options.map((o) => text(o, 'options', 200)!) : null;
    const outside = (options ?? []).filter(
      (o) => factKey.allowedValues && !factKey.allowedValues.includes(o),
    );
    if (outside.length)
      throw badUserInput(`options ${outside.join(', ')} are not allowed values of ${factKey.key}`);
    let after: QuestionModel['after'] = null;
    if (input.after) {
      const parent = input.after.question.trim();
      // Walk the follow-up chain from the parent: reaching this question again would be a loop.
      const seen = new Set<string>();
      for (let at: string | undefined = parent; at; at = rules.questions.get(at)?.after?.question) {
        if (at === key)
          throw badUserInput(`after: following ${parent} leads back to ${key}; a follow-up cannot loop`);
        if (seen.has(at)) break;
        seen.add(at);
      }
      if (!rules.questions.has(parent)) throw badUserInput(`after: no question ${parent}; define it first`);
      after = { question: parent, answers: input.after.answers?.map((a) => a.trim()) ?? null };
    }
    return this.define('defineQuestion', 'question', key, async (tx) => {
      const { question, wasMapped } = await this.repo.defineQuestion(tx, {
        key,
        factKey: factKey.key,
        text: text(input.text, 'text', 1000)!,
        options,
        valueExchange: text(input.valueExchange, 'valueExchange', 500, false),
        afterQuestion: after?.question ?? null,
        afterAnswers: after?.answers ?? null,
        cooldownDays,
      });
      return { model: question, wasMapped };
    });
  }

  // ---- progressive profiling

  async nextQuestions(
    identifier: IdentifierInput,
    useCaseName: string,
    first: number,
    at: string | null | undefined,
  ): Promise<QuestionToAskModel[]> {
    if (!Number.isInteger(first) || first < 1 || first > 50) throw badUserInput('first must be 1 to 50');
    const now = instant(at);
    const [resolution, useCase] = await Promise.all([
      this.resolution.resolve(identifier, useCaseName),
      this.resolution.useCase(useCaseName),
    ]);
    if (!useCase || resolution.personas.length === 0 || useCase.requiredFacts.length === 0) return [];
    const personaIds = resolution.personas.map((p) => p.id);
    const [questions, neededBy, lastAsked] = await Promise.all([
      this.repo.questions(),
      this.repo.requiredFacts(),
      this.repo.lastAsked(personaIds),
    ]);
    const known = new Map(resolution.facts.map((f) => [f.key, f]));
    const byKey = new Map(questions.map((q) => [q.key, q]));
    const required = new Set(useCase.requiredFacts);
    const toAsk: QuestionToAskModel[] = [];
    for (const question of questions) {
      if (!required.has(question.factKey) || known.has(question.factKey)) continue;
      const asked = lastAsked.get(question.key);
      if (asked && Date.parse(asked) + question.cooldownDays * dayMs > now) continue;
      let because = '';
      if (question.after) {
        const parent = byKey.get(question.after.question);
        const answer = parent ? known.get(parent.factKey) : undefined;
        if (!parent || !answer) continue;
        const given = valuesOf(answer.value);
        const wanted = question.after.answers;
        if (wanted?.length && !given.some((v) => wanted.includes(v))) continue;
        because = `; follows up ${parent.key}, answered ${given.join(', ')}`;
      }
      toAsk.push({
        question,
        neededBy: neededBy.get(question.factKey) ?? 1,
        reason: `${useCase.name} needs ${question.factKey}, not known for ${resolution.personas.map((p) => p.key).join(', ')}${because}${asked ? `; last asked ${asked}` : ''}`,
      });
    }
    return toAsk
      .sort((a, b) => b.neededBy - a.neededBy || (a.question.key < b.question.key ? -1 : 1))
      .slice(0, first);
  }

  // ---- completeness

  async completeness(
    identifier: IdentifierInput,
    useCaseName: string | null | undefined,
    at: string | null | undefined,
  ): Promise<CompletenessModel> {
    const registry = await this.identity.identifierTypes();
    const subject = useCaseName
      ? await this.subjectUnderUseCase(identifier, useCaseName, registry)
      : await this.subjectOfIdentifier(identifier, registry);
    const ids = subject.personas.map((p) => p.id);
    const [held, consents, activity] = await Promise.all([
      this.loaders.identifiersOfPersona.loadMany(ids),
      this.loaders.consentsOfPersona.loadMany(ids),
      ids.length ? this.repo.activity(ids) : Promise.resolve([]),
    ]);
    const identifiers = [...(subject.anchor && !ids.length ? [subject.anchor] : []), ...loaded(held)];
    return scoreCompleteness(
      subject,
      { identifiers, consents: loaded(consents), activity },
      registry,
      instant(at),
    );
  }

  /** Who completeness is about under a use case: the personas in its scope and the facts it sees. */
  private async subjectUnderUseCase(
    identifier: IdentifierInput,
    useCaseName: string,
    registry: IdentifierTypeModel[],
  ): Promise<CompletenessSubject> {
    const [resolution, useCase] = await Promise.all([
      this.resolution.resolve(identifier, useCaseName),
      this.resolution.useCase(useCaseName),
    ]);
    return {
      personas: resolution.personas,
      facts: resolution.facts,
      anchor: resolution.anchor,
      contactTypes: useCase?.contactTypes.length ? useCase.contactTypes : defaultContactTypes(registry),
      purpose: useCase?.consentPurpose ?? null,
    };
  }

  /** Without a use case: the personas holding the identifier and all their facts. */
  private async subjectOfIdentifier(
    identifier: IdentifierInput,
    registry: IdentifierTypeModel[],
  ): Promise<CompletenessSubject> {
    const key = this.identity.tryNormalizeAmong(registry, identifier);
    const personas = key ? await this.loaders.personasOfIdentifier.load(key) : [];
    const facts = chooseFacts(loaded(await this.loaders.factsOfPersona.loadMany(personas.map((p) => p.id))));
    return { personas, facts, anchor: null, contactTypes: defaultContactTypes(registry), purpose: null };
  }

  // ---- safe personalization

  async render(template: string, identifier: IdentifierInput, useCaseName: string): Promise<RenderingModel> {
    let parts;
    try {
      parts = parseTemplate(template);
    } catch (error) {
      if (error instanceof TemplateError) throw badUserInput(`template: ${error.message}`);
      throw error;
    }
    const [resolution, factKeys] = await Promise.all([
      this.resolution.resolve(identifier, useCaseName),
      this.repo.factKeys(),
    ]);
    const facts = new Map(resolution.facts.map((f) => [f.key, f]));
    const sensitiveKeys = new Set(factKeys.filter((k) => k.sensitive).map((k) => k.key));
    const holes = parts.filter((p): p is { key: string; fallback: string | null } => 'key' in p);
    const missing = [...new Set(holes.filter((h) => !facts.has(h.key)).map((h) => h.key))];
    const refuse = (refused: string): RenderingModel => ({ text: null, missing, refused, resolution });

    const sensitive = holes.filter((h) => sensitiveKeys.has(h.key) || facts.get(h.key)?.sensitive);
    if (sensitive.length && !mayReadPii(this.auth)) {
      return refuse(
        `${names(sensitive.map((h) => h.key))} ${sensitive.length > 1 ? 'are sensitive facts' : 'is a sensitive fact'}: rendering it needs the pii role`,
      );
    }
    const bare = holes.filter((h) => !facts.has(h.key) && h.fallback === null);
    if (bare.length) {
      return refuse(
        `no value and no fallback for ${names(bare.map((h) => h.key))}: write {{${bare[0]!.key}|…}} with a fallback`,
      );
    }
    if (!resolution.contact && resolution.suppressions.length) {
      const reasons = resolution.suppressions.map((s) => `${s.code} (${s.message})`).join('; ');
      return refuse(`the resolution allows no contact for ${resolution.useCase}: ${reasons}`);
    }
    const text = parts
      .map((p) =>
        'text' in p ? p.text : facts.has(p.key) ? displayValue(facts.get(p.key)!.value) : p.fallback!,
      )
      .join('');
    return { text, missing, refused: null, resolution };
  }
}

const names = (keys: string[]) => [...new Set(keys)].map((k) => `{{${k}}}`).join(', ');

function instant(at: string | null | undefined): number {
  if (!at) return Date.now();
  const time = Date.parse(at);
  if (Number.isNaN(time)) throw badUserInput('at is not a date-time');
  return time;
}

/** Without a use case, contactability looks at every identifier type that reaches a channel. */
function defaultContactTypes(registry: IdentifierTypeModel[]): string[] {
  return registry.filter((t) => t.contactChannel).map((t) => t.name);
}

/** The latest consent covering the contact point (for it, or for its whole channel) is granted. */
function consented(
  consents: ConsentModel[],
  point: IdentifierModel,
  channel: string,
  purpose: string | null,
): boolean {
  const covering = consents
    .filter((c) => c.channel === channel && (!purpose || c.purpose === purpose))
    .filter((c) => !c.identifier || (c.identifier.type === point.type && c.identifier.value === point.value))
    .sort((a, b) => (a.at < b.at ? 1 : -1));
  if (purpose) return covering[0]?.granted ?? false;
  // Without a purpose: any purpose whose latest consent is granted.
  const latestByPurpose = new Map<string, boolean>();
  for (const c of covering) if (!latestByPurpose.has(c.purpose)) latestByPurpose.set(c.purpose, c.granted);
  return [...latestByPurpose.values()].some(Boolean);
}

export type { ResolutionModel };

interface CompletenessSubject {
  personas: PersonaModel[];
  facts: FactModel[];
  anchor: IdentifierModel | null;
  contactTypes: string[];
  purpose: string | null;
}

interface CompletenessEvidence {
  identifiers: IdentifierModel[];
  consents: ConsentModel[];
  activity: { type: string; lastAt: string }[];
}

/** The values of a loadMany; a failed key fails the answer, never shortens it. */
function loaded<T>(results: (T[] | Error)[]): T[] {
  return results.flatMap((result) => {
    if (result instanceof Error) throw result;
    return result;
  });
}

function scoreCompleteness(
  subject: CompletenessSubject,
  evidence: CompletenessEvidence,
  registry: IdentifierTypeModel[],
  now: number,
): CompletenessModel {
  const kinds = new Map(registry.map((t) => [t.name, t]));
  const factKeys = new Set(subject.facts.map((f) => f.key));
  const { identifiers, consents, activity } = evidence;
  const identity = coverage([
    ...identityFacts.map((k): [string, boolean] => [`fact:${k}`, factKeys.has(k)]),
    ['identifier:account', identifiers.some((i) => kinds.get(i.type)?.kind === 'ACCOUNT')],
  ]);
  const contactability = coverage(
    subject.contactTypes.flatMap((type): [string, boolean][] => {
      const points = identifiers.filter((i) => i.type === type && !i.shared);
      const channel = kinds.get(type)?.contactChannel ?? null;
      return [
        [`contact:${type}`, points.length > 0],
        [
          `consent:${type}`,
          channel !== null && points.some((p) => consented(consents, p, channel, subject.purpose)),
        ],
      ];
    }),
  );
  const types = new Map(activity.map((a) => [a.type, a]));
  const lastAt = Math.max(0, ...activity.map((a) => Date.parse(a.lastAt)));
  const traceability = coverage([
    ['events:transaction', transactionTypes.some((t) => types.has(t))],
    ['events:visit', visitTypes.some((t) => types.has(t))],
    ['events:interaction', [...types.keys()].some((t) => !notInteractions.has(t))],
    [`events:last-${recentDays}-days`, lastAt > now - recentDays * dayMs && lastAt <= now],
  ]);
  return { identity, contactability, traceability };
}
