// Segments as data: conditions stored as JSON and evaluated by one statement when a segment is read.
import { z } from 'zod';
import { badUserInput, notFound } from '../errors.js';
import type { SegmentConditionsInput, SegmentInput } from '../generated/graphql.js';
import type { Graph } from '../graph/run.js';
import type { IdentifierModel, PersonaModel } from '../identity/identity.model.js';
import type { ResolutionService } from '../resolution/resolution.service.js';
import { SegmentsRepository } from './segments.repository.js';

/** One member's contact under a use case (Segment.contacts). */
export interface SegmentContactModel {
  persona: PersonaModel;
  person: { id: string } | null;
  contact: { type: string; value: string; shared: boolean };
  confidence: number;
}

export interface SegmentModel {
  name: string;
  description: string | null;
  conditions: SegmentConditionsInput;
}

const rankNames = [
  'rfoRecency',
  'rfoFrequency',
  'rfcRecency',
  'rfcFrequency',
  'rfmRecency',
  'rfmFrequency',
  'rfmMonetary',
] as const;

const storedSegment = z.object({
  name: z.string(),
  description: z.string().nullish(),
  conditions: z.string(),
});
const persona = z.object({
  id: z.string(),
  key: z.string(),
  context: z.enum(['PERSONAL', 'WORK', 'BUSINESS', 'FAMILY', 'OTHER']),
  label: z.string().nullable(),
});

const toModel = (s: z.infer<typeof storedSegment>): SegmentModel => ({
  name: s.name,
  description: s.description ?? null,
  conditions: JSON.parse(s.conditions) as SegmentConditionsInput,
});

/** The statement's parameters for a segment's conditions. */
export function conditionParams(c: SegmentConditionsInput) {
  const ranks = Object.fromEntries(rankNames.map((r) => [r, c.minRanks?.[r] ?? 0]));
  const interests = (c.interests ?? []).map((i) => ({ topic: i.topic, minScore: i.minScore ?? 1e-9 }));
  return {
    contexts: c.contexts?.length ? c.contexts : null,
    facts: (c.facts ?? []).map((f) => ({
      key: f.key,
      // Stored fact values are JSON text: compare as such.
      equals: f.equals === undefined || f.equals === null ? null : JSON.stringify(f.equals),
      exists: f.exists ?? null,
    })),
    consents: (c.consents ?? []).map((x) => ({ purpose: x.purpose, channel: x.channel ?? null })),
    interests,
    ranks,
    needsEngagement: interests.length > 0 || Object.values(ranks).some((r) => r > 0),
  };
}

function validate(input: SegmentInput): SegmentModel {
  const name = input.name.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/.test(name)) {
    throw badUserInput('name must be 1-80 letters, digits, "-", "_", "." or ":"', { field: 'name' });
  }
  const c = input.conditions;
  for (const [n, f] of (c.facts ?? []).entries()) {
    if (!f.key.trim()) throw badUserInput(`conditions.facts[${n}].key is required`);
    if (f.equals !== undefined && f.equals !== null && f.exists === false) {
      throw badUserInput(`conditions.facts[${n}]: a fact cannot equal a value and not exist`);
    }
  }
  for (const r of rankNames) {
    const rank = c.minRanks?.[r];
    if (rank !== undefined && rank !== null && (rank < 1 || rank > 5)) {
      throw badUserInput(`conditions.minRanks.${r} must be a rank from 1 to 5`);
    }
  }
  for (const [n, i] of (c.interests ?? []).entries()) {
    if (i.minScore !== undefined && i.minScore !== null && i.minScore < 0) {
      throw badUserInput(`conditions.interests[${n}].minScore must be 0 or more`);
    }
  }
  return { name, description: input.description ?? null, conditions: c };
}

export class SegmentsService {
  private readonly repo: SegmentsRepository;

  constructor(
    graph: Graph,
    private readonly resolution: ResolutionService,
    /** The identifiers a persona holds (the request's loader). */
    private readonly identifiersOf: (personaId: string) => Promise<IdentifierModel[]>,
  ) {
    this.repo = new SegmentsRepository(graph);
  }

  async define(input: SegmentInput): Promise<SegmentModel> {
    const segment = validate(input);
    const row = await this.repo.define({
      name: segment.name,
      description: segment.description,
      conditions: JSON.stringify(segment.conditions),
    });
    return toModel(z.object({ segment: storedSegment }).parse(row).segment);
  }

  async byName(name: string): Promise<SegmentModel | null> {
    const row = await this.repo.byName(name);
    return row ? toModel(z.object({ segment: storedSegment }).parse(row).segment) : null;
  }

  /**
   * A page of members, each resolved with the use case's rules from an identifier it holds (its first
   * of the use case's contact types, else its first): one contact per person, the rest counted.
   */
  async contacts(segment: SegmentModel, useCase: string, first: number, after: string | null) {
    if (first < 1 || first > 100) throw badUserInput('first must be between 1 and 100', { field: 'first' });
    const policy = await this.resolution.useCase(useCase);
    if (!policy) throw notFound(`No use case named "${useCase}"; define it with defineUseCase`);
    const page = await this.members(segment, first, after);
    const result = { contacts: [] as SegmentContactModel[], ambiguous: 0, suppressed: 0, samePerson: 0 };
    const reached = new Set<string>();
    const anchors = await Promise.all(
      page.edges.map(async ({ node }) => {
        const held = await this.identifiersOf(node.id);
        return held.find((i) => policy.contactTypes.includes(i.type)) ?? held[0] ?? null;
      }),
    );
    // The whole page in one read; members holding no identifier are not asked about.
    const asked = anchors.filter((a): a is IdentifierModel => a !== null);
    const answers = asked.length ? await this.resolution.resolveMany(asked, useCase) : [];
    const answerOf = new Map(asked.map((a, n) => [a, answers[n]!]));
    for (const [n, { node: persona }] of page.edges.entries()) {
      const anchor = anchors[n];
      const r = anchor ? answerOf.get(anchor) : null;
      if (r?.suppressions.some((s) => s.code === 'AMBIGUOUS')) result.ambiguous++;
      else if (!r?.contact) result.suppressed++;
      else if (reached.has(r.person?.id ?? persona.id)) result.samePerson++;
      else {
        reached.add(r.person?.id ?? persona.id);
        result.contacts.push({ persona, person: r.person, contact: r.contact, confidence: r.confidence });
      }
    }
    return { ...result, pageInfo: page.pageInfo };
  }

  /** Counts the members now and reads one page of them, by key. */
  async members(segment: SegmentModel, first: number, after: string | null) {
    if (first < 0 || first > 1000) throw badUserInput('first must be between 0 and 1000', { field: 'first' });
    const afterKey = after === null ? '' : Buffer.from(after, 'base64url').toString('utf8');
    const row = await this.repo.members({
      ...conditionParams(segment.conditions),
      afterKey,
      limit: first,
    });
    const { count, page } = z.object({ count: z.number().int(), page: z.array(persona) }).parse(row);
    const nodes: PersonaModel[] = page.slice(0, first);
    const cursor = (p: PersonaModel) => Buffer.from(p.key, 'utf8').toString('base64url');
    return {
      count,
      edges: nodes.map((node) => ({ cursor: cursor(node), node })),
      pageInfo: { endCursor: nodes.length ? cursor(nodes.at(-1)!) : null, hasNextPage: page.length > first },
    };
  }
}
