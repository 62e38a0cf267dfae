// The nested-read compiler's first half: which relations an operation asks for below a root field
// (persona, personas, identifier, person), as a plan the repository composes into one statement
// (nested.repository.ts). Fields are gathered as graphql-js executes them: fragments and inline
// fragments whose type condition applies, @skip and @include with the operation's variables, the
// same response key merged. A field the plan does not take is not read ahead: its resolver asks its
// loader, as it did before the compiler.
import {
  type FieldNode,
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  type GraphQLResolveInfo,
  isAbstractType,
  Kind,
  type SelectionSetNode,
  typeFromAST,
} from 'graphql';
import { prefetchKey } from './identity.model.js';

/** The object types a nested read reads ahead. */
export type NestedType = 'Persona' | 'Identifier' | 'Device' | 'Person' | 'Fact' | 'Consent' | 'Membership';

/** The root fields a nested read starts from, named as their fragments in cypher/read/. */
export type NestedRoot =
  'personas-by-keys' | 'persona-by-key' | 'persona-by-id' | 'person-by-id' | 'identifier-by-key';

/** The type each root answers, and whether with a list. */
export const rootTypes: Record<NestedRoot, { type: NestedType; list: boolean }> = {
  'personas-by-keys': { type: 'Persona', list: true },
  'persona-by-key': { type: 'Persona', list: false },
  'persona-by-id': { type: 'Persona', list: false },
  'person-by-id': { type: 'Person', list: false },
  'identifier-by-key': { type: 'Identifier', list: false },
};

/**
 * The whitelist: the relation fields the compiler reads ahead, the type each leads to and whether it
 * is one object (else a list). Every other field (scalars aside) stays with its resolver.
 */
export const nestedRelations: Partial<
  Record<NestedType, Record<string, { target: NestedType; single?: boolean }>>
> = {
  Persona: {
    identifiers: { target: 'Identifier' },
    devices: { target: 'Device' },
    person: { target: 'Person', single: true },
    facts: { target: 'Fact' },
    consents: { target: 'Consent' },
  },
  Identifier: {
    personas: { target: 'Persona' },
    devices: { target: 'Device' },
    memberships: { target: 'Membership' },
  },
  Person: { personas: { target: 'Persona' } },
  Device: { identifiers: { target: 'Identifier' }, personas: { target: 'Persona' } },
  Consent: { identifier: { target: 'Identifier', single: true } },
};

/**
 * The properties of a type whose fields are the properties themselves (default resolvers), in the
 * order the fragments list them. `always` are read whatever is asked: Query.personas orders by key,
 * masking reads an identifier's type and value. Any other property is read only when its field is
 * asked, or when a resolver that may need it is (planLevel), so an object read ahead may lack one.
 */
export const plainProperties: Partial<
  Record<NestedType, { all: readonly string[]; always: readonly string[] }>
> = {
  Persona: { all: ['id', 'key', 'context', 'label'], always: ['key'] },
  Identifier: { all: ['type', 'value', 'shared'], always: ['type', 'value'] },
  Device: { all: ['id', 'kind'], always: ['id'] },
};

/** One relation read ahead: below which type, which field, under which key, and what below it. */
export interface PlanField {
  type: NestedType;
  field: string;
  /** Where the resolver finds it on its parent (prefetchKey of field and response key). */
  key: string;
  target: NestedType;
  single: boolean;
  /** The target's properties to read (for a membership, its persona's); undefined: all of them. */
  properties?: readonly string[];
  /** For a membership: the relations below its persona. */
  below: PlanField[];
}

export interface NestedPlan {
  root: NestedRoot;
  /** The root object's properties to read; undefined: all of them. */
  properties?: readonly string[];
  below: PlanField[];
}

/** The fields a selection asks for, by response key, as graphql-js collects them. */
function collectFields(
  info: GraphQLResolveInfo,
  type: NestedType,
  sets: readonly SelectionSetNode[],
  into = new Map<string, FieldNode[]>(),
  visited = new Set<string>(),
): Map<string, FieldNode[]> {
  const runtimeType = info.schema.getType(type);
  const included = (node: { directives?: readonly unknown[] }) => {
    const n = node as FieldNode;
    if (getDirectiveValues(GraphQLSkipDirective, n, info.variableValues)?.if === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, n, info.variableValues)?.if !== false;
  };
  const applies = (condition: FieldNode['name'] | undefined) => {
    if (!condition) return true;
    const conditional = typeFromAST(info.schema, { kind: Kind.NAMED_TYPE, name: condition });
    if (conditional === runtimeType) return true;
    return Boolean(
      conditional &&
      runtimeType &&
      isAbstractType(conditional) &&
      info.schema.isSubType(conditional, runtimeType as never),
    );
  };
  for (const set of sets) {
    for (const selection of set.selections) {
      if (!included(selection)) continue;
      if (selection.kind === 'Field') {
        const key = selection.alias?.value ?? selection.name.value;
        into.set(key, [...(into.get(key) ?? []), selection]);
      } else if (selection.kind === 'InlineFragment') {
        if (applies(selection.typeCondition?.name))
          collectFields(info, type, [selection.selectionSet], into, visited);
      } else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment = info.fragments[selection.name.value];
        if (fragment && applies(fragment.typeCondition.name))
          collectFields(info, type, [fragment.selectionSet], into, visited);
      }
    }
  }
  return into;
}

const setsOf = (nodes: readonly FieldNode[]) =>
  nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));

/** What objects of `type` selected by `nodes` read, `depth` levels below the root: properties, relations. */
interface Level {
  properties?: readonly string[];
  below: PlanField[];
}

/**
 * The relations asked below objects of `type` selected by `nodes`, and the properties to read: those
 * asked, and the ones always read; every property when a field is asked that another resolver answers
 * from the object (one not read ahead here, e.g. a relation deeper than maxDepth), as it may need any.
 */
function planLevel(
  info: GraphQLResolveInfo,
  type: NestedType,
  nodes: readonly FieldNode[],
  depth: number,
  maxDepth: number,
): Level {
  const relations = nestedRelations[type] ?? {};
  const plain = plainProperties[type];
  const asked = new Set(plain?.always);
  let every = !plain;
  const below: PlanField[] = [];
  for (const [responseKey, fields] of collectFields(info, type, setsOf(nodes))) {
    const field = fields[0]!.name.value;
    if (field === '__typename') continue;
    if (plain?.all.includes(field)) {
      asked.add(field);
      continue;
    }
    const relation = Object.hasOwn(relations, field) ? relations[field] : undefined;
    // A relation with arguments would need them compiled: none has any today, so it stays a loader's.
    if (depth >= maxDepth || !relation || fields.some((f) => f.arguments?.length)) {
      every = true;
      continue;
    }
    const level =
      relation.target === 'Membership'
        ? membershipLevel(info, fields, depth + 1, maxDepth)
        : planLevel(info, relation.target, fields, depth + 1, maxDepth);
    below.push({
      type,
      field,
      key: prefetchKey(field, responseKey),
      target: relation.target,
      single: relation.single ?? false,
      ...(level.properties && { properties: level.properties }),
      below: level.below,
    });
  }
  return { ...(!every && { properties: plain!.all.filter((p) => asked.has(p)) }), below };
}

/** Below memberships, their persona's properties and relations (every `persona` field asked, merged). */
function membershipLevel(
  info: GraphQLResolveInfo,
  nodes: readonly FieldNode[],
  depth: number,
  maxDepth: number,
): Level {
  const personas = [...collectFields(info, 'Membership', setsOf(nodes)).values()]
    .flat()
    .filter((f) => f.name.value === 'persona');
  return personas.length ? planLevel(info, 'Persona', personas, depth + 1, maxDepth) : { below: [] };
}

/**
 * The plan of a root field's read: the relations asked below it, to `maxDepth` levels (deeper ones
 * are their loaders'). Null when compiling is off (maxDepth 0): the loaders answer every level.
 */
export function planNestedRead(
  info: GraphQLResolveInfo,
  root: NestedRoot,
  maxDepth: number,
): NestedPlan | null {
  if (maxDepth <= 0) return null;
  return { root, ...planLevel(info, rootTypes[root].type, info.fieldNodes, 0, maxDepth) };
}

/** Where a resolver finds what its parent read ahead for it, if anything. */
export function prefetchedFor<T>(
  parent: { prefetched?: ReadonlyMap<string, unknown> },
  info: GraphQLResolveInfo,
): { value: T } | undefined {
  const key = prefetchKey(info.fieldName, String(info.path.key));
  return parent.prefetched?.has(key) ? { value: parent.prefetched.get(key) as T } : undefined;
}
