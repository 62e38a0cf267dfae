// The only code naming the search and timeline queries; rows are checked with zod where they enter.
import { z } from 'zod';
import type { Graph } from '../graph/run.js';

const persona = z.object({
  id: z.string(),
  key: z.string(),
  context: z.enum(['PERSONAL', 'WORK', 'BUSINESS', 'FAMILY', 'OTHER']),
  label: z.string().nullable(),
});
const identifier = z.object({ type: z.string(), value: z.string(), shared: z.boolean().nullable() });
const identifierRow = z.object({ persona, identifier });
const personaRow = z.object({ persona });
const eventRow = z.object({
  event: z.object({ id: z.string(), type: z.string(), occurredAt: z.string(), source: z.string() }),
  identifiers: z.array(identifier),
  mentions: z.array(z.object({ role: z.string(), identifier })),
});

const toIdentifier = (i: z.infer<typeof identifier>) => ({ ...i, shared: i.shared ?? false });

export class SearchRepository {
  constructor(private readonly graph: Graph) {}

  async identifierIdKey(): Promise<string> {
    const [row] = await this.graph.read('search/identifier-id-key');
    const parsed = z.object({ secret: z.string().min(16) }).safeParse(row);
    if (!parsed.success) throw new Error('The identifier id key is missing: run `idgraph migrate`.');
    return parsed.data.secret;
  }

  async personasByIdentifierPrefix(prefixes: string[], limit: number) {
    const rows = await this.graph.read('search/personas-by-identifier-prefix', { prefixes, limit });
    return rows.map((r) => {
      const row = identifierRow.parse(r);
      return { persona: row.persona, identifier: toIdentifier(row.identifier) };
    });
  }

  async personasByKeyPrefix(text: string, limit: number) {
    const rows = await this.graph.read('search/personas-by-key-prefix', { text, limit });
    return rows.map((r) => personaRow.parse(r).persona);
  }

  async personasByLabel(query: string, limit: number) {
    const rows = await this.graph.read('search/personas-by-label', { query, limit });
    return rows.map((r) => personaRow.parse(r).persona);
  }

  async personaEvents(personaId: string, after: { at: string; id: string } | null, limit: number) {
    const rows = await this.graph.read('search/persona-events-page', {
      personaId,
      afterAt: after?.at ?? null,
      afterId: after?.id ?? null,
      limit,
    });
    return rows.map((r) => {
      const row = eventRow.parse(r);
      return {
        ...row.event,
        personaId,
        identifiers: row.identifiers.map(toIdentifier),
        mentions: row.mentions.map((m) => ({ role: m.role, identifier: toIdentifier(m.identifier) })),
      };
    });
  }
}
