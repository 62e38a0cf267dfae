// Every operation of the schema with every role: allowed or refused, as the README's table says. The
// operation list comes from schema.graphql, so an operation added without a row here fails this test.
import {
  getOperationAST,
  parse,
  subscribe,
  execute,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { createContext } from '../../src/context.js';
import { buildSchema } from '../../src/schema.js';
import { startTestApi, uniqueTag, type TestApi } from '../helpers/api.js';

const tag = uniqueTag('access');
const roles = ['none', 'read', 'pii', 'write', 'admin', 'subscribe'] as const;
type Caller = (typeof roles)[number];
const keys: Record<Exclude<Caller, 'none'>, string> = {
  read: `${tag}-read`,
  pii: `${tag}-pii`,
  write: `${tag}-write`,
  admin: `${tag}-admin`,
  subscribe: `${tag}-subscribe`,
};

/** The role each operation needs (admin holds every role; `public`: anyone, even without a key). */
const table: Record<string, { needs: Exclude<Caller, 'none'> | 'public'; document: string }> = {
  'Query.health': { needs: 'public', document: '{ health { ok } }' },
  'Query.identifier': {
    needs: 'read',
    document: '{ identifier(type: "email", value: "a@b.example") { value } }',
  },
  'Query.persona': { needs: 'read', document: `{ persona(key: "${tag}:none") { id } }` },
  'Query.personas': { needs: 'read', document: `{ personas(keys: ["${tag}:none"]) { id } }` },
  'Query.person': { needs: 'read', document: `{ person(id: "${tag}") { id } }` },
  'Query.event': { needs: 'read', document: `{ event(id: "${tag}") { id } }` },
  'Query.identifierTypes': { needs: 'read', document: '{ identifierTypes { name } }' },
  'Query.resolve': {
    needs: 'read',
    document: `{ resolve(identifier: {type: "email", value: "a@b.example"}, useCase: "${tag}") { scope } }`,
  },
  'Query.useCase': { needs: 'read', document: `{ useCase(name: "${tag}") { name } }` },
  'Query.useCases': { needs: 'read', document: '{ useCases { name } }' },
  'Query.changes': { needs: 'subscribe', document: '{ changes(first: 1) { pageInfo { hasNextPage } } }' },
  'Query.latestChangeCursor': { needs: 'subscribe', document: '{ latestChangeCursor }' },
  'Query.exportPerson': { needs: 'pii', document: `{ exportPerson(id: "${tag}") }` },
  'Query.exportPersona': { needs: 'pii', document: `{ exportPersona(id: "${tag}") }` },
  'Query.resolveMany': {
    needs: 'read',
    document: `{ resolveMany(identifiers: [{type: "email", value: "a@b.example"}], useCase: "${tag}") { scope } }`,
  },
  'Query.suggestions': { needs: 'admin', document: '{ suggestions(first: 1) { pageInfo { hasNextPage } } }' },
  'Query.matching': { needs: 'admin', document: '{ matching { threshold } }' },
  'Query.streams': { needs: 'admin', document: '{ streams { changes { topic } } }' },
  'Mutation.defineMatching': {
    needs: 'admin',
    document: `mutation { defineMatching(input: {fields: [{name: "n", fact: "n", comparator: EXACT}], blocking: [["missing"]]}) { threshold } }`,
  },
  'Mutation.suggestLinks': {
    needs: 'admin',
    document: `mutation { suggestLinks(input: {personas: ["${tag}-none"]}) { suggested } }`,
  },
  'Mutation.reviewSuggestion': {
    needs: 'admin',
    document: `mutation { reviewSuggestion(id: "${tag}", verdict: DIFFERENT, reason: "test") { id } }`,
  },
  'Query.auditLog': { needs: 'admin', document: '{ auditLog(first: 1) { pageInfo { hasNextPage } } }' },
  'Query.segment': { needs: 'read', document: `{ segment(name: "${tag}") { name } }` },
  'Query.pressure': {
    needs: 'read',
    document:
      '{ pressure(identifier: {type: "email", value: "a@b.example"}, purpose: "news", windowDays: 7) { sent } }',
  },
  'Mutation.computeScores': { needs: 'admin', document: 'mutation { computeScores { personas } }' },
  'Mutation.defineSegment': {
    needs: 'admin',
    document: `mutation { defineSegment(input: {name: "${tag}", conditions: {contexts: [WORK]}}) { name } }`,
  },
  'Mutation.ingest': { needs: 'write', document: 'mutation { ingest(events: []) { accepted } }' },
  'Mutation.defineIdentifierType': {
    needs: 'admin',
    document: `mutation { defineIdentifierType(input: {name: "access-type", kind: OTHER}) { name } }`,
  },
  'Mutation.linkPersonas': {
    needs: 'admin',
    document: `mutation { linkPersonas(a: "${tag}-a", b: "${tag}-b", evidence: "test") { id } }`,
  },
  'Mutation.unlinkPersonas': {
    needs: 'admin',
    document: `mutation { unlinkPersonas(a: "${tag}-a", b: "${tag}-b", reason: "test") { id } }`,
  },
  'Mutation.detachIdentifier': {
    needs: 'admin',
    document: `mutation { detachIdentifier(persona: "${tag}", identifier: {type: "email", value: "a@b.example"}, reason: "test") { id } }`,
  },
  'Mutation.defineUseCase': {
    needs: 'admin',
    document: `mutation { defineUseCase(input: {name: "${tag}", scope: PERSONA}) { name } }`,
  },
  'Mutation.erasePerson': {
    needs: 'admin',
    document: `mutation { erasePerson(id: "${tag}", reason: "test") { personas } }`,
  },
  'Mutation.erasePersona': {
    needs: 'admin',
    document: `mutation { erasePersona(id: "${tag}", reason: "test") { personas } }`,
  },
  'Query.search': { needs: 'read', document: `{ search(text: "${tag}") { matched } }` },
  'Query.unmapped': { needs: 'read', document: '{ unmapped(first: 1) { code } }' },
  'Query.terms': { needs: 'read', document: `{ terms(vocabulary: "${tag}") { key } }` },
  'Query.campaign': { needs: 'read', document: `{ campaign(code: "${tag}") { code } }` },
  'Query.factKeys': { needs: 'read', document: '{ factKeys { key } }' },
  'Query.questions': { needs: 'read', document: '{ questions { key } }' },
  'Query.nextQuestions': {
    needs: 'read',
    document: `{ nextQuestions(identifier: {type: "email", value: "a@b.example"}, useCase: "${tag}") { reason } }`,
  },
  'Query.completeness': {
    needs: 'read',
    document: `{ completeness(identifier: {type: "email", value: "a@b.example"}) { identity { score } } }`,
  },
  'Query.render': {
    needs: 'read',
    document: `{ render(template: "Hi", identifier: {type: "email", value: "a@b.example"}, useCase: "${tag}") { text } }`,
  },
  'Query.webhooks': { needs: 'admin', document: '{ webhooks { id } }' },
  // Definitions use this file's tag; the admin's webhook is refused by validation (an ftp URL), so no
  // delivery is left running for other files.
  'Mutation.defineTerm': {
    needs: 'admin',
    document: `mutation { defineTerm(input: {vocabulary: "${tag}", key: "k", label: "K"}) { key } }`,
  },
  'Mutation.defineCampaign': {
    needs: 'admin',
    document: `mutation { defineCampaign(input: {code: "${tag}", name: "Access"}) { code } }`,
  },
  'Mutation.defineAsset': {
    needs: 'admin',
    document: `mutation { defineAsset(input: {code: "${tag}", name: "Access"}) { code } }`,
  },
  'Mutation.defineFactKey': {
    needs: 'admin',
    document: `mutation { defineFactKey(input: {key: "${tag}", type: STRING}) { key } }`,
  },
  'Mutation.defineQuestion': {
    needs: 'admin',
    document: `mutation { defineQuestion(input: {key: "${tag}", factKey: "${tag}", text: "?"}) { key } }`,
  },
  'Mutation.defineWebhook': {
    needs: 'admin',
    document: `mutation { defineWebhook(input: {url: "ftp://${tag}.example", secret: "access-secret-0123456789"}) { id } }`,
  },
  'Mutation.removeWebhook': { needs: 'admin', document: `mutation { removeWebhook(id: "${tag}") }` },
  'Mutation.replayDeadLetters': { needs: 'admin', document: `mutation { replayDeadLetters(id: "${tag}") }` },
  'Subscription.changes': { needs: 'subscribe', document: 'subscription { changes { cursor } }' },
  'Subscription.profileChanged': {
    needs: 'subscribe',
    document: `subscription { profileChanged(personaId: "${tag}") { cursor } }`,
  },
};

let api: TestApi;
let schema: GraphQLSchema;

beforeAll(async () => {
  api = await startTestApi({
    API_KEYS: Object.entries(keys)
      .map(([role, key]) => `${key}=${role}`)
      .join(','),
  });
  schema = buildSchema();
});
afterAll(async () => {
  await api.close();
});

/** Runs one operation in process as the caller; subscriptions are opened and closed at once. */
async function run(document: string, caller: Caller): Promise<ExecutionResult> {
  const contextValue = createContext({
    graph: api.db.graph,
    config: api.config,
    authorization: caller === 'none' ? undefined : `Bearer ${keys[caller]}`,
  });
  const ast = parse(document);
  if (getOperationAST(ast)?.operation !== 'subscription')
    return execute({ schema, document: ast, contextValue });
  const result = await subscribe({ schema, document: ast, contextValue });
  if (Symbol.asyncIterator in result) {
    await result.return?.();
    return { data: {} };
  }
  return result;
}

function mayCall(caller: Caller, needs: string): boolean {
  if (needs === 'public') return true;
  return caller === 'admin' || caller === needs;
}

describe('access by role', () => {
  it('has a row for every operation of the schema, and none for operations it lacks', () => {
    const operations = [
      schema.getQueryType(),
      schema.getMutationType(),
      schema.getSubscriptionType(),
    ].flatMap((type) => (type ? Object.keys(type.getFields()).map((field) => `${type.name}.${field}`) : []));
    expect(Object.keys(table).sort()).toEqual(operations.sort());
  });

  const cases = Object.entries(table).flatMap(([operation, row]) =>
    roles.map((caller) => ({ operation, caller, ...row, allowed: mayCall(caller, row.needs) })),
  );
  it.each(cases)('$operation as $caller: allowed $allowed', async ({ document, caller, allowed }) => {
    const result = await run(document, caller);
    const codes = (result.errors ?? []).map((e) => e.extensions?.code);
    if (allowed) {
      expect(codes).not.toContain('FORBIDDEN');
      expect(codes).not.toContain('UNAUTHENTICATED');
    } else {
      expect(codes).toEqual([caller === 'none' ? 'UNAUTHENTICATED' : 'FORBIDDEN']);
    }
  });
});
