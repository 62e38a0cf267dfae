// What a caller may ask without a key where keys are required: whether the service is up. A load
// balancer or an operator's probe must not need a credential (README, "Access"), and nothing else is
// answered before authentication, so no field name or validation message reaches an unknown caller.
import { Kind, parse, type DocumentNode } from 'graphql';

/** Root fields anyone may select. */
const publicRootFields = new Set(['health', '__typename']);
/** A health probe is short: anything longer is not parsed for an unauthenticated caller. */
const maxPublicQueryLength = 2_000;

/** The query text of a GraphQL request: a POST body's `query`, or a GET's `?query=`. */
export function queryOf(body: unknown, search: string): string | undefined {
  if (body && typeof body === 'object' && 'query' in body) {
    const { query } = body as { query: unknown };
    return typeof query === 'string' ? query : undefined;
  }
  return new URLSearchParams(search).get('query') ?? undefined;
}

/** True when every operation of the query is a query selecting only public root fields. */
export function asksOnlyPublicFields(query: string | undefined): boolean {
  if (!query || query.length > maxPublicQueryLength) return false;
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: 200 });
  } catch {
    return false;
  }
  return document.definitions.every(
    (d) =>
      d.kind === Kind.OPERATION_DEFINITION &&
      d.operation === 'query' &&
      d.selectionSet.selections.every((s) => s.kind === Kind.FIELD && publicRootFields.has(s.name.value)),
  );
}
