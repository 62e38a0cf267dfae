// Wiring only: Apollo Server 5 over HTTP and graphql-ws on the same server and path.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import express from 'express';
import { GraphQLError, specifiedRules, validate } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { ChangeFeed } from './changes/changes.feed.js';
import { DefinitionCache } from './changes/definitions.cache.js';
import type { AppConfig } from './config.js';
import { createContext, type GraphContext } from './context.js';
import { createErrorFormatter } from './errors.js';
import type { Graph } from './graph/run.js';
import { mountGraphiQL } from './graphiql.js';
import { HealthService } from './graph/graph.service.js';
import { depthLimit } from './limits.js';
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

export async function startServer({ config, graph }: ServerDeps): Promise<RunningServer> {
  const schema = buildSchema();
  const app = express();
  const httpServer = http.createServer(app);
  const isDevelopment = config.env === 'development';
  const formatError = createErrorFormatter(isDevelopment);

  // This instance's change feed: numbers committed changes, tails the outbox and wakes this
  // instance's subscribers (src/changes/changes.feed.ts). Stopped after the last subscriber left.
  const changeFeed = ChangeFeed.fromConfig(graph, config.changes);
  // Use cases and identifier types are read once per instance and dropped when the feed delivers a
  // redefinition, whichever instance made it.
  const definitions = new DefinitionCache();
  definitions.follow(changeFeed);
  await changeFeed.start();

  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsCleanup = useServer(
    {
      schema,
      validate: (schema, document) =>
        validate(schema, document, [...specifiedRules, depthLimit(config.limits.maxQueryDepth)]),
      // A subscription's context lives as long as the subscription: its loaders cache nothing across
      // events (isLongLived).
      context: (ctx) =>
        createContext({
          graph,
          config,
          changeFeed,
          definitions,
          isLongLived: true,
          authorization: String(
            ctx.connectionParams?.authorization ?? ctx.extra.request.headers.authorization ?? '',
          ),
        }),
      // Apollo's formatError does not see WebSocket results: apply it here too, so a subscription's
      // errors carry the same codes and hide the same internals as HTTP ones.
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors
          ? { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error)) }
          : undefined,
      // graphql-ws reports two kinds of errors here: a stream that failed mid-way (CURSOR_PRUNED, the
      // database down), wrapped in a GraphQLError without its code, and validation errors, which
      // get the code Apollo gives them over HTTP.
      onError: (_ctx, _id, _payload, errors) =>
        errors.map((error) => {
          const raised = error.originalError;
          if (raised instanceof GraphQLError) return formatError(raised.toJSON(), raised);
          if (raised) return formatError(error.toJSON(), error);
          const json = error.toJSON();
          return { ...json, extensions: { ...json.extensions, code: 'GRAPHQL_VALIDATION_FAILED' } };
        }),
    },
    wsServer,
  );

  const apollo = new ApolloServer<GraphContext>({
    schema,
    formatError,
    validationRules: [depthLimit(config.limits.maxQueryDepth)],
    includeStacktraceInErrorResponses: isDevelopment,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
              await changeFeed.stop();
            },
          };
        },
      },
      {
        // Reports the database round trips of each operation, so clients and tests can see batching.
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
      },
    ],
  });
  try {
    await apollo.start();
  } catch (error) {
    await changeFeed.stop();
    throw error;
  }

  if (config.env !== 'production') mountGraphiQL(app);
  const healthService = new HealthService(graph);
  app.get('/health', async (_req, res) => {
    try {
      const health = await healthService.health();
      res.json(health);
    } catch {
      res.status(503).json({ ok: false });
    }
  });
  app.use(
    '/graphql',
    express.json({ limit: '5mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) =>
        createContext({ graph, config, changeFeed, definitions, authorization: req.headers.authorization }),
    }),
  );

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
