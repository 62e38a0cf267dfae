// Bounds on what one operation may ask for: a query nested deeper than the limit is refused before
// it runs, so a client cannot make one request traverse the whole graph.
import {
  GraphQLError,
  Kind,
  parse,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

function depthOf(
  selectionSet: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  visited: Set<string>,
  memo: Map<string, number> = new Map(),
): number {
  if (!selectionSet) return 0;
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet, fragments, visited, memo));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(selection.selectionSet, fragments, visited, memo));
    } else {
      const name = selection.name.value;
      const fragment = fragments[name];
      if (!fragment || visited.has(name)) continue;
      // A fragment's depth does not depend on where it is spread: computed once, so fragments that
      // spread each other many times over cannot make the check itself exponential.
      if (!memo.has(name)) {
        memo.set(name, depthOf(fragment.selectionSet, fragments, new Set([...visited, name]), memo));
      }
      deepest = Math.max(deepest, memo.get(name)!);
    }
  }
  return deepest;
}

export function depthLimit(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const fragments = Object.fromEntries(
        context
          .getDocument()
          .definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
          .map((d) => [d.name.value, d]),
      );
      const depth = depthOf(node.selectionSet, fragments, new Set());
      if (depth > maxDepth) {
        context.reportError(
          // Apollo reports every validation error as GRAPHQL_VALIDATION_FAILED; the message says which.
          new GraphQLError(`Query depth ${depth} exceeds the limit of ${maxDepth}`, { nodes: [node] }),
        );
      }
    },
  });
}

/** What a root field costs: each is at least one database read or write; some are many. */
const rootFieldCost: Record<string, number> = { resolve: 25, resolveMany: 25, ingest: 25 };
const defaultRootFieldCost = 10;

/**
 * Refuses an operation whose estimated cost is over the limit, before it runs: 2,000 aliased
 * `resolve` fields in one 300 KB request would otherwise keep the service busy for many seconds.
 * Every field selected costs 1, every root field 10 (`resolve` and `ingest` 25), fragments counted
 * where they are spread. A fragment's cost is computed once, so nested spreads cannot make the
 * estimate itself expensive.
 */
export function costLimit(maxCost: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map(
      context
        .getDocument()
        .definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
        .map((d) => [d.name.value, d]),
    );
    const fragmentCosts = new Map<string, number>();
    const costOf = (
      selectionSet: SelectionSetNode | undefined,
      isRoot: boolean,
      visiting: Set<string>,
    ): number => {
      if (!selectionSet) return 0;
      let cost = 0;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value.startsWith('__')) continue;
          const own = isRoot ? (rootFieldCost[selection.name.value] ?? defaultRootFieldCost) : 1;
          cost += own + costOf(selection.selectionSet, false, visiting);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          cost += costOf(selection.selectionSet, isRoot, visiting);
        } else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          if (!fragment || visiting.has(name)) continue;
          const key = `${name}\u0000${isRoot}`;
          if (!fragmentCosts.has(key)) {
            fragmentCosts.set(key, costOf(fragment.selectionSet, isRoot, new Set([...visiting, name])));
          }
          cost += fragmentCosts.get(key)!;
        }
        // Stop counting early: the answer is already "refused".
        if (cost > maxCost) return cost;
      }
      return cost;
    };
    return {
      OperationDefinition(node) {
        const cost = costOf(node.selectionSet, true, new Set());
        if (cost > maxCost) {
          context.reportError(
            new GraphQLError(
              `Query cost exceeds the limit of ${maxCost} (each field costs 1, each root field 10, ` +
                'resolve and ingest 25): split the request',
              { nodes: [node] },
            ),
          );
        }
      },
    };
  };
}

/**
 * graphql-ws parses without a token limit; this refuses an oversized document there as Apollo's
 * parseOptions do over HTTP: a 300 KB document of 2,000 aliases stops at the limit while parsing,
 * before the far costlier validation of every field (the cost limit's work) begins.
 */
export function tokenLimit(maxTokens: number) {
  return (query: unknown): GraphQLError[] | undefined => {
    if (typeof query !== 'string') return undefined;
    try {
      parse(query, { maxTokens });
      return undefined;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return [new GraphQLError(message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
    }
  };
}
