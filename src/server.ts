// Wiring only: Apollo Server 5 over HTTP and graphql-ws on the same server and path.
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import express from 'express';
import { GraphQLError, specifiedRules, validate, type GraphQLInputType } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { ChangeFeed } from './changes/changes.feed.js';
import { ChangesRepository } from './changes/changes.repository.js';
import { ChangesService } from './changes/changes.service.js';
import { WebhookDeliverer } from './changes/webhooks.deliverer.js';
import { DefinitionCache } from './changes/definitions.cache.js';
import { projectRoot, type AppConfig } from './config.js';
import { createContext, type GraphContext } from './context.js';
import { createErrorFormatter } from './errors.js';
import type { Graph } from './graph/run.js';
import { mountGraphiQL } from './graphiql.js';
import { graphqlHttpHandler, isGraphQLPath } from './graphql-http.js';
import { HealthService } from './graph/graph.service.js';
import { IdentityService } from './identity/identity.service.js';
import { IngestService } from './identity/ingest.service.js';
import { IdentityRepository } from './identity/identity.repository.js';
import { RegroupingService } from './identity/regrouping.service.js';
import { IncrementalSuggestions } from './matching/incremental-suggestions.js';
import { MatchingService } from './matching/matching.service.js';
import { ProfileIngest } from './profile/profile.ingest.js';
import { ChangePublisher } from './streams/changes.publisher.js';
import { EventConsumer } from './streams/events.consumer.js';
import { StaleRegrouper } from './identity/stale-regrouper.js';
import { acceptsConnection } from './ws-auth.js';
import { costLimit, depthLimit, tokenLimit } from './limits.js';
import { authenticateRequest, requiresAuthentication } from './access/jwt.js';
import { asksOnlyPublicFields } from './public-operations.js';
import { callerOf, RateLimiter, rateLimitMessage } from './rate-limit.js';
import { buildSchema } from './schema.js';

export interface RunningServer {
  url: string;
  wsUrl: string;
  port: number;
  stop(): Promise<void>;
}

export interface ServerDeps {
  config: AppConfig;
  graph: Graph;
}

/** The largest request body read: a full ingest batch fits with room to spare. */
const maxBodyMiB = 5;

export async function startServer({ config, graph }: ServerDeps): Promise<RunningServer> {
  const httpServer = createHttpServer();
  const guards = createGuards(config);
  const background = await startBackground(config, graph, guards.schema);
  const wsCleanup = serveWebSocket(httpServer, { config, graph, guards, background });
  const apollo = await startApollo(httpServer, guards, background, wsCleanup);
  const app = createApp(config, graph);
  const serveGraphQL = createGraphQLHandler(apollo, { config, graph, guards, background });
  httpServer.on('request', (req, res) => (isGraphQLPath(req.url) ? serveGraphQL(req, res) : app(req, res)));
  await listen(httpServer, config, apollo);
  return runningServer(httpServer, config, apollo);
}

/** What every operation passes before it runs, over HTTP and WebSocket alike. */
interface Guards {
  schema: ReturnType<typeof buildSchema>;
  formatError: ReturnType<typeof createErrorFormatter>;
  showStackTraces: boolean;
  maxQueryTokens: number;
  limitRules: ReturnType<typeof depthLimit>[];
  withinTokenLimit: ReturnType<typeof tokenLimit>;
  rateLimiter: RateLimiter;
}

/** This instance's background work, started before the server and stopped when it drains. */
interface Background {
  changeFeed: ChangeFeed;
  definitions: DefinitionCache;
  webhookDeliverer: WebhookDeliverer;
  staleRegrouper: StaleRegrouper;
  suggestions: IncrementalSuggestions;
  /** With KAFKA_BROKERS: the change publisher and, with KAFKA_EVENTS_TOPIC, the event consumer. */
  streams: { stop(): Promise<void> }[];
}

interface Wiring {
  config: AppConfig;
  graph: Graph;
  guards: Guards;
  background: Background;
}

function createHttpServer(): http.Server {
  // Requests are routed once Apollo has started: /graphql without Express (src/graphql-http.ts).
  const httpServer = http.createServer();
  // An idle keep-alive connection is closed by the client or the proxy in front, not by us first:
  // Node's 5 s default let a client that reused a socket at that moment get ECONNRESET (proxies
  // such as AWS's keep theirs 60 s). The headers timeout must stay above it.
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  return httpServer;
}

function createGuards(config: AppConfig): Guards {
  const showStackTraces = config.privacy.showStackTraces;
  return {
    schema: buildSchema(),
    formatError: createErrorFormatter(showStackTraces),
    showStackTraces,
    maxQueryTokens: config.limits.maxQueryTokens,
    // Refused before anything runs, over HTTP and WebSocket alike.
    limitRules: [depthLimit(config.limits.maxQueryDepth), costLimit(config.limits.maxQueryCost)],
    withinTokenLimit: tokenLimit(config.limits.maxQueryTokens),
    rateLimiter: new RateLimiter(config.rateLimit.perMinute, config.rateLimit.burst),
  };
}

async function startBackground(
  config: AppConfig,
  graph: Graph,
  schema: Guards['schema'],
): Promise<Background> {
  // This instance's change feed: numbers committed changes, tails the outbox and wakes this
  // instance's subscribers (src/changes/changes.feed.ts). Stopped after the last subscriber left.
  const changeFeed = ChangeFeed.fromConfig(graph, config.changes);
  // Use cases and identifier types are read once per instance and dropped when the feed delivers a
  // redefinition, whichever instance made it.
  const definitions = new DefinitionCache();
  definitions.follow(changeFeed);
  // Ingested personas scored against their blocks once a model is trained (src/matching/incremental-suggestions.ts).
  const matching = new MatchingService(
    graph,
    config,
    'suggestions',
    new RegroupingService(new IdentityRepository(graph)),
  );
  const suggestions = new IncrementalSuggestions(
    (personas) => matching.suggestForChanged(personas),
    config.matching.incrementalMs,
    {
      ...matching.scorerLease(IncrementalSuggestions.owner(), config.matching.leaseMs),
      leaseMs: config.matching.leaseMs,
    },
  );
  suggestions.follow(changeFeed);
  await changeFeed.start();
  // Beside it, the webhooks this instance holds the lease of (src/changes/webhooks.deliverer.ts).
  const webhookDeliverer = new WebhookDeliverer(graph, changeFeed, config.webhooks);
  webhookDeliverer.start();
  // Groupings whose only glue went stale are undone periodically (src/identity/stale-regrouper.ts).
  const staleness = new IdentityService(graph, config, 'staleness', definitions);
  const staleRegrouper = new StaleRegrouper(() => staleness.regroupStale(), config.staleRegroupMs);
  staleRegrouper.start();
  const streams = startStreams(config, graph, changeFeed, schema);
  return { changeFeed, definitions, webhookDeliverer, staleRegrouper, suggestions, streams };
}

/** Kafka out (every change, src/streams/changes.publisher.ts) and in (events, src/streams/events.consumer.ts). */
function startStreams(config: AppConfig, graph: Graph, changeFeed: ChangeFeed, schema: Guards['schema']) {
  const kafka = config.kafka;
  if (!kafka) return [];
  const publisher = new ChangePublisher(
    graph,
    new ChangesService(new ChangesRepository(graph), changeFeed),
    kafka,
  );
  publisher.start();
  if (!kafka.events) return [publisher];
  const ingest = new IngestService(graph, config, new ProfileIngest(graph));
  const eventType = schema.getType('EventInput') as GraphQLInputType;
  const consumer = new EventConsumer(graph, ingest, eventType, kafka, config.limits.maxBatchSize);
  consumer.start();
  return [consumer, publisher];
}

async function stopBackground({
  staleRegrouper,
  suggestions,
  webhookDeliverer,
  changeFeed,
  streams,
}: Background): Promise<void> {
  // The consumer first: no batch is ingested once the database side begins to stop.
  for (const stream of streams) await stream.stop();
  await staleRegrouper.stop();
  await suggestions.stop();
  await webhookDeliverer.stop();
  await changeFeed.stop();
}

type WsContext = { connectionParams?: Record<string, unknown>; extra: { request: http.IncomingMessage } };

const wsAuthorization = (ctx: WsContext) =>
  String(ctx.connectionParams?.authorization ?? ctx.extra.request.headers.authorization ?? '');

function serveWebSocket(httpServer: http.Server, { config, graph, guards, background }: Wiring) {
  const { schema, limitRules, formatError } = guards;
  const { changeFeed, definitions } = background;
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  return useServer(
    {
      schema,
      validate: (schema, document) => validate(schema, document, [...specifiedRules, ...limitRules]),
      onSubscribe: (ctx, _id, payload) => admitWsOperation(config, guards, ctx, payload.query),
      onConnect: (ctx) =>
        acceptsConnection(config, wsAuthorization(ctx), (code, reason) =>
          ctx.extra.socket.close(code, reason),
        ),
      // A subscription's context lives as long as the subscription: it hands out fresh loaders on every
      // access (isLongLived), so no row read for one event is served to the next.
      context: async (ctx) =>
        createContext({
          graph,
          config,
          changeFeed,
          definitions,
          isLongLived: true,
          auth: await authenticateRequest(config, wsAuthorization(ctx)),
        }),
      // Apollo's formatError does not see WebSocket results: apply it here too, so a subscription's
      // errors carry the same codes and hide the same internals as HTTP ones.
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors
          ? { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error)) }
          : undefined,
      onError: (_ctx, _id, _payload, errors) => errors.map((error) => formatWsError(formatError, error)),
    },
    wsServer,
  );
}

/** Every operation over the socket counts against its caller, like an HTTP request. */
function admitWsOperation(config: AppConfig, guards: Guards, ctx: WsContext, query: string) {
  const admission = guards.rateLimiter.take(
    callerOf(wsAuthorization(ctx), ctx.extra.request.socket.remoteAddress),
  );
  if (!admission.allowed) {
    return [
      new GraphQLError(rateLimitMessage(config.rateLimit.perMinute, admission.retryAfterSeconds), {
        extensions: { code: 'RATE_LIMITED', retryAfter: admission.retryAfterSeconds },
      }),
    ];
  }
  return guards.withinTokenLimit(query);
}

// graphql-ws reports two kinds of errors here: a stream that failed mid-way (CURSOR_PRUNED, the
// database down), wrapped in a GraphQLError without its code, and validation errors, which
// get the code Apollo gives them over HTTP.
function formatWsError(formatError: Guards['formatError'], error: GraphQLError) {
  const raised = error.originalError;
  if (raised instanceof GraphQLError) return formatError(raised.toJSON(), raised);
  if (raised) return formatError(error.toJSON(), error);
  const json = error.toJSON();
  return {
    ...json,
    extensions: { ...json.extensions, code: json.extensions?.code ?? 'GRAPHQL_VALIDATION_FAILED' },
  };
}

async function startApollo(
  httpServer: http.Server,
  guards: Guards,
  background: Background,
  wsCleanup: { dispose(): unknown },
): Promise<ApolloServer<GraphContext>> {
  const apollo = new ApolloServer<GraphContext>({
    schema: guards.schema,
    formatError: guards.formatError,
    validationRules: guards.limitRules,
    parseOptions: { maxTokens: guards.maxQueryTokens },
    includeStacktraceInErrorResponses: guards.showStackTraces,
    plugins: [
      // No cache hints in this schema, and answers are never cacheable (src/graphql-http.ts says
      // no-store): without the plugin Apollo does not wrap every field's resolver to collect hints.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
              await stopBackground(background);
            },
          };
        },
      },
      reportDbRoundTrips,
    ],
  });
  try {
    await apollo.start();
  } catch (error) {
    await stopBackground(background);
    throw error;
  }
  return apollo;
}

/** Reports the database round trips of each operation, so clients and tests can see batching. */
const reportDbRoundTrips: ApolloServerPlugin<GraphContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind === 'single') {
          response.body.singleResult.extensions = {
            ...response.body.singleResult.extensions,
            dbRoundTrips: contextValue.stats.dbRoundTrips,
          };
        }
      },
    };
  },
};

/** Everything but /graphql: GraphiQL outside production, the explorer, and the health probe. */
function createApp(config: AppConfig, graph: Graph): express.Express {
  const app = express();
  if (config.env !== 'production') mountGraphiQL(app);
  // The identity explorer, built by `npm run build` (explorer/); it calls this API with the user's key.
  const explorerDir = path.join(projectRoot, 'dist/explorer');
  if (fs.existsSync(explorerDir)) app.use('/explorer', express.static(explorerDir));
  const healthService = new HealthService(graph);
  app.get('/health', async (_req, res) => {
    try {
      const health = await healthService.health();
      res.json(health);
    } catch (error) {
      // The probe answers only "not ok"; the operator reading the log needs the why.
      console.error(`health: not ok (${error instanceof Error ? error.message : String(error)})`);
      res.status(503).json({ ok: false });
    }
  });
  return app;
}

function createGraphQLHandler(
  apollo: ApolloServer<GraphContext>,
  { config, graph, guards, background }: Wiring,
) {
  const { changeFeed, definitions } = background;
  return graphqlHttpHandler(apollo, {
    maxBodyBytes: maxBodyMiB * 1024 * 1024,
    maxBodyLabel: `${maxBodyMiB}mb`,
    // Before the body is read: a caller over its rate gets 429 and when to come back, nothing more.
    admit: (req) => {
      const admission = guards.rateLimiter.take(
        callerOf(req.headers.authorization, req.socket.remoteAddress),
      );
      if (admission.allowed) return undefined;
      return {
        status: 429,
        message: rateLimitMessage(config.rateLimit.perMinute, admission.retryAfterSeconds),
        code: 'RATE_LIMITED',
        headers: { 'Retry-After': String(admission.retryAfterSeconds) },
        extensions: { retryAfter: admission.retryAfterSeconds },
      };
    },
    context: async (req, query) => {
      const auth = await authenticateRequest(config, req.headers.authorization);
      // With keys or tokens configured, a request without a valid one is refused whole, with HTTP 401,
      // unless it sends none and only asks whether the service is up (src/public-operations.ts): a
      // credential that was sent and refused is always said so.
      const publicProbe = auth.reason === undefined && asksOnlyPublicFields(query);
      if (requiresAuthentication(config) && !auth.authenticated && !publicProbe) {
        const hint = `Send Authorization: Bearer <${config.jwt ? 'token or ' : ''}api key>`;
        throw new GraphQLError(auth.reason ?? hint, {
          extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
        });
      }
      return createContext({ graph, config, changeFeed, definitions, auth });
    },
  });
}

async function listen(httpServer: http.Server, config: AppConfig, apollo: ApolloServer<GraphContext>) {
  try {
    await new Promise<void>((resolve, reject) => {
      // A port already in use must fail the start, not hang it (the ws server only logs the error).
      httpServer.once('error', reject);
      httpServer.listen(config.http.port, config.http.host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await apollo.stop();
    throw error;
  }
}

function runningServer(
  httpServer: http.Server,
  config: AppConfig,
  apollo: ApolloServer<GraphContext>,
): RunningServer {
  const { port } = httpServer.address() as AddressInfo;
  const host = config.http.host === '0.0.0.0' ? 'localhost' : config.http.host;
  return {
    url: `http://${host}:${port}/graphql`,
    wsUrl: `ws://${host}:${port}/graphql`,
    port,
    async stop() {
      await apollo.stop();
    },
  };
}
