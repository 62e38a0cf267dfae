// Which fields below the one being resolved the operation asks for, so a resolver can read a nested
// shape in one statement instead of one per level (fragments included).
import type { FieldNode, GraphQLResolveInfo, SelectionNode } from 'graphql';

function fieldsOf(selections: readonly SelectionNode[], info: GraphQLResolveInfo): FieldNode[] {
  return selections.flatMap((s) => {
    if (s.kind === 'Field') return [s];
    if (s.kind === 'InlineFragment') return fieldsOf(s.selectionSet.selections, info);
    const fragment = info.fragments[s.name.value];
    return fragment ? fieldsOf(fragment.selectionSet.selections, info) : [];
  });
}

/** True when the operation selects this path of fields below the current one (e.g. devices → personas). */
export function selects(info: GraphQLResolveInfo, path: readonly string[]): boolean {
  let selections: readonly SelectionNode[] = info.fieldNodes.flatMap((f) => f.selectionSet?.selections ?? []);
  for (const name of path) {
    const fields = fieldsOf(selections, info).filter((f) => f.name.value === name);
    if (fields.length === 0) return false;
    selections = fields.flatMap((f) => f.selectionSet?.selections ?? []);
  }
  return true;
}
