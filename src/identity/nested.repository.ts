// The nested-read compiler's second half: a plan (nested.plan.ts) becomes one statement composed of
// the fragments in cypher/read/ (one per root and per relation, whitelisted here), named by its
// recipe (`read:personas-by-keys(persona-identifiers(identifier-devices))`, see
// src/graph/cypher-files.ts composeRead). Root arguments are parameters; nothing else varies.
import { z } from 'zod';
import { composedPrefix } from '../graph/cypher-files.js';
import type { Graph } from '../graph/run.js';
import { parseJsonText, readChecked } from '../graph/rows.js';
import { shapes } from './identity.repository.js';
import { type NestedPlan, type NestedType, type PlanField, rootTypes } from './nested.plan.js';

/** The fragment of each relation the plan may ask for: the whitelist the statement is made of. */
const relationFragments: Record<string, string> = {
  'Persona.identifiers': 'persona-identifiers',
  'Persona.devices': 'persona-devices',
  'Persona.person': 'persona-person',
  'Persona.facts': 'persona-facts',
  'Persona.consents': 'persona-consents',
  'Identifier.personas': 'identifier-personas',
  'Identifier.devices': 'identifier-devices',
  'Identifier.memberships': 'identifier-memberships',
  'Person.personas': 'person-personas',
  'Device.identifiers': 'device-identifiers',
  'Device.personas': 'device-personas',
  'Consent.identifier': 'consent-identifier',
};

/** A root field's read: its plan and its arguments (the root fragment's parameters, e.g. keys). */
export interface NestedRequest {
  plan: NestedPlan;
  params: Record<string, unknown>;
}

/** `[a,b]`: the properties a level reads, when not all of them. */
const propertiesOf = (properties: readonly string[] | undefined) =>
  properties ? `[${properties.join(',')}]` : '';

function recipeBelow(below: readonly PlanField[]): string {
  if (below.length === 0) return '';
  const parts = below.map((f) => {
    const fragment = relationFragments[`${f.type}.${f.field}`];
    if (!fragment) throw new Error(`No fragment reads ${f.type}.${f.field}`);
    return fragment + propertiesOf(f.properties) + recipeBelow(f.below);
  });
  return `(${parts.join(',')})`;
}

/** The recipe of one root: its fragment and those below it, in the plan's order (f0, f1, …). */
export const recipeOf = (plan: NestedPlan): string =>
  plan.root + propertiesOf(plan.properties) + recipeBelow(plan.below);

const { identifierKey, identifier, persona, device, channel, collectionMethod } = shapes;
const bases: Record<Exclude<NestedType, 'Membership'>, z.ZodObject> = {
  Persona: persona,
  Identifier: identifier,
  Device: device,
  Person: z.object({ id: z.string() }),
  Fact: z.object({
    id: z.string(),
    key: z.string(),
    value: z.string().transform(parseJsonText),
    method: collectionMethod,
    source: z.string(),
    at: z.string(),
    confidence: z.number(),
    personaId: z.string(),
    sensitive: z.boolean(),
  }),
  Consent: z.object({
    id: z.string(),
    purpose: z.string(),
    channel,
    granted: z.boolean(),
    at: z.string(),
    personaId: z.string(),
    identifier: identifierKey.nullable(),
  }),
};

/** An object of `type` (its `properties`, or all) with what was read ahead below it, under f0, f1, …. */
function objectShape(
  type: NestedType,
  below: readonly PlanField[],
  properties?: readonly string[],
): z.ZodType {
  if (type === 'Membership') {
    return z.object({
      persona: objectShape('Persona', below, properties),
      from: z.string(),
      lastSeen: z.string(),
      strength: z.enum(['STRONG', 'WEAK']),
      to: z.string().nullable(),
      endedBy: z.string().nullable(),
    });
  }
  const all = bases[type].shape;
  const base = properties ? z.object(Object.fromEntries(properties.map((p) => [p, all[p]!]))) : bases[type];
  if (below.length === 0) return base;
  const children = Object.fromEntries(
    below.map((f, n) => {
      const shape = objectShape(f.target, f.below, f.properties);
      return [`f${n}`, f.single ? shape.nullable() : z.array(shape)];
    }),
  );
  return z
    .looseObject(base.shape)
    .extend(children)
    .transform((row) => {
      const object: Record<string, unknown> = {};
      for (const name of Object.keys(base.shape)) object[name] = row[name];
      object.prefetched = new Map(below.map((f, n) => [f.key, row[`f${n}`]]));
      return object;
    });
}

/** A root's column: one object or null, or a list. */
function rootShape(plan: NestedPlan): z.ZodType {
  const { type, list } = rootTypes[plan.root];
  const shape = objectShape(type, plan.below, plan.properties);
  return list ? z.array(shape) : shape.nullable();
}

/** Row shapes by statement name, built once per recipe (a bound keeps odd operations from piling up). */
const rowShapes = new Map<string, z.ZodType>();

export class NestedReadRepository {
  constructor(private readonly graph: Graph) {}

  /**
   * Every root field's read in one statement, one column each (r0, r1, …); each answer in the order
   * asked: a root's object or null, or its list.
   */
  async read(requests: readonly NestedRequest[]): Promise<unknown[]> {
    const statement = composedPrefix + requests.map((r) => recipeOf(r.plan)).join(',');
    let shape = rowShapes.get(statement);
    if (!shape) {
      shape = z.object(Object.fromEntries(requests.map((r, n) => [`r${n}`, rootShape(r.plan)])));
      if (rowShapes.size >= 500) rowShapes.clear();
      rowShapes.set(statement, shape);
    }
    const params = Object.fromEntries(
      requests.flatMap((r, n) => Object.entries(r.params).map(([name, value]) => [`r${n}_${name}`, value])),
    );
    const [row] = (await readChecked(this.graph, statement, shape, params)) as Record<string, unknown>[];
    return requests.map((_, n) => row![`r${n}`]);
  }
}
