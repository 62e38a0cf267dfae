// Frontend reads: search by identifier value, key or label; a persona's events as cursor pages; the
// opaque, stable ids client caches normalize identifiers by.
import { createHmac } from 'node:crypto';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { AppConfig } from '../config.js';
import { badUserInput } from '../errors.js';
import type { Graph } from '../graph/run.js';
import {
  identifierKey,
  type EventModel,
  type IdentifierKey,
  type IdentifierModel,
  type PersonaModel,
} from './identity.model.js';
import { maskIdentifier } from '../access/masking.js';
import { SearchRepository } from './search.repository.js';

export type SearchField = 'IDENTIFIER' | 'KEY' | 'LABEL';

export interface SearchHitModel {
  persona: PersonaModel;
  matched: string;
  field: SearchField;
  identifier: IdentifierModel | null;
}

export interface EventPage {
  edges: { cursor: string; node: EventModel }[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

const maxPage = 100;

/** One key per database, read once per process: ids stay stable across requests and instances. */
const idKeys = new WeakMap<object, Promise<string>>();

function pageSize(first: number | null | undefined, name: string): number {
  const size = first ?? 20;
  if (!Number.isInteger(size) || size < 1 || size > maxPage) {
    throw badUserInput(`${name} must be from 1 to ${maxPage}`, { field: name });
  }
  return size;
}

export const encodeEventCursor = (event: { occurredAt: string; id: string }) =>
  Buffer.from(JSON.stringify([event.occurredAt, event.id])).toString('base64url');

export function decodeEventCursor(cursor: string): { at: string; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof at === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(at))) return { at, id };
  } catch {
    // falls through to the error below
  }
  throw badUserInput('after is not a cursor this API gave out', { field: 'after' });
}

/** The normalized forms an identifier value starting with `text` may take (emails lower-case, phones E.164). */
export function identifierPrefixes(text: string, defaultRegion: string): string[] {
  const prefixes = new Set([text, text.toLowerCase()]);
  if (/^\+?[\d\s().-]{4,}$/.test(text)) {
    const digits = text.replace(/\D/g, '');
    if (text.startsWith('+')) prefixes.add(`+${digits}`);
    const phone = parsePhoneNumberFromString(text, defaultRegion as CountryCode);
    if (phone?.isValid()) prefixes.add(phone.number);
  }
  return [...prefixes];
}

/** A Lucene query matching labels with a word starting with each word of the text. */
export function labelQuery(text: string): string | null {
  const searched = words(text);
  return searched.length ? searched.map((w) => `${w}*`).join(' AND ') : null;
}

const words = (text: string) =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/** Labels holding a searched word whole come before those that only start with it, then shorter labels. */
function rankLabels(personas: PersonaModel[], text: string): PersonaModel[] {
  const searched = words(text);
  const whole = (p: PersonaModel) => {
    const own = new Set(words(p.label ?? ''));
    return searched.every((w) => own.has(w)) ? 0 : 1;
  };
  return [...personas].sort(
    (a, b) =>
      whole(a) - whole(b) || (a.label ?? '').length - (b.label ?? '').length || a.key.localeCompare(b.key),
  );
}

export class SearchService {
  private readonly repo: SearchRepository;

  constructor(
    private readonly graph: Graph,
    private readonly config: AppConfig,
  ) {
    this.repo = new SearchRepository(graph);
  }

  async search(text: string, first: number | null | undefined, byValue: boolean): Promise<SearchHitModel[]> {
    const limit = pageSize(first, 'first');
    const needle = text.trim();
    if (needle.length < 2) throw badUserInput('text must be at least 2 characters', { field: 'text' });
    if (needle.length > 200) throw badUserInput('text must be at most 200 characters', { field: 'text' });
    const label = labelQuery(needle);
    const [byIdentifier, byKey, byLabel] = await Promise.all([
      byValue
        ? this.repo.personasByIdentifierPrefix(identifierPrefixes(needle, this.config.defaultRegion), limit)
        : [],
      this.repo.personasByKeyPrefix(needle, limit),
      label ? this.repo.personasByLabel(label, limit) : [],
    ]);
    const hits: SearchHitModel[] = [
      ...byIdentifier.map((r) => ({
        persona: r.persona,
        matched: r.identifier.value,
        field: 'IDENTIFIER' as const,
        identifier: r.identifier,
      })),
      ...byKey.map((persona) => ({ persona, matched: persona.key, field: 'KEY' as const, identifier: null })),
      ...rankLabels(byLabel, needle).map((persona) => ({
        persona,
        matched: persona.label ?? '',
        field: 'LABEL' as const,
        identifier: null,
      })),
    ];
    // One hit per persona: an exact match first, then identifiers, keys and labels in that order.
    const lower = needle.toLowerCase();
    const exact = (h: SearchHitModel) => (h.matched.toLowerCase() === lower ? 0 : 1);
    const ranked = hits
      .map((hit, order) => ({ hit, order }))
      .sort((a, b) => exact(a.hit) - exact(b.hit) || a.order - b.order);
    const seen = new Set<string>();
    const result: SearchHitModel[] = [];
    for (const { hit } of ranked) {
      if (seen.has(hit.persona.id)) continue;
      seen.add(hit.persona.id);
      result.push(hit);
      if (result.length === limit) break;
    }
    return result;
  }

  async personaEvents(
    personaId: string,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<EventPage> {
    const limit = pageSize(first, 'first');
    const rows = await this.repo.personaEvents(personaId, after ? decodeEventCursor(after) : null, limit);
    const edges = rows.slice(0, limit).map((node) => ({ cursor: encodeEventCursor(node), node }));
    return {
      edges,
      pageInfo: { endCursor: edges.at(-1)?.cursor ?? null, hasNextPage: rows.length > limit },
    };
  }

  maskedValue(identifier: IdentifierKey): string {
    return maskIdentifier(identifier);
  }

  /** An opaque id for an identifier: an HMAC of type and value under the database's key. */
  async identifierId({ type, value }: IdentifierKey): Promise<string> {
    let key = idKeys.get(this.graph.committed);
    if (!key) {
      key = this.repo.identifierIdKey();
      key.catch(() => idKeys.delete(this.graph.committed));
      idKeys.set(this.graph.committed, key);
    }
    const digest = createHmac('sha256', await key)
      .update(identifierKey({ type, value }))
      .digest('base64url');
    return `Identifier:${digest.slice(0, 24)}`;
  }
}
