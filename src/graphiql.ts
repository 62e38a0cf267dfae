// A GraphiQL served entirely from this service (no CDN): frontend teams explore the described schema
// at /graphiql, offline included. Not mounted in production.
import path from 'node:path';
import type { Express } from 'express';
import { projectRoot } from './config.js';

const assets: Record<string, string> = {
  'react.production.min.js': 'react/umd/react.production.min.js',
  'react-dom.production.min.js': 'react-dom/umd/react-dom.production.min.js',
  'graphiql.min.js': 'graphiql/graphiql.min.js',
  'graphiql.min.css': 'graphiql/graphiql.min.css',
};

const defaultQuery = `# identity-graph: with \`npm run demo\` running, try a resolution from the demo data.
# Send an API key under Headers as {"authorization": "Bearer <key>"} when API_KEYS is set.
# Subscriptions run here too, e.g. subscription { changes { cursor type at personaIds data } }
query SideBusinessPromotion {
  resolve(identifier: { type: "email", value: "joe@office.demo.example" }, useCase: "demo-side-promo") {
    contact { type value }
    personas { key context }
    suppressions { code message }
    explanation { rule detail }
  }
}
`;

const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>identity-graph · GraphiQL</title>
    <link rel="stylesheet" href="/graphiql/assets/graphiql.min.css" />
    <style>body { margin: 0; } #graphiql { height: 100vh; }</style>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script src="/graphiql/assets/react.production.min.js"></script>
    <script src="/graphiql/assets/react-dom.production.min.js"></script>
    <script src="/graphiql/assets/graphiql.min.js"></script>
    <script>
      // Queries and mutations over HTTP, subscriptions over graphql-ws on the same path (the Headers
      // tab's values travel as the WebSocket's connection params, where the API reads authorization).
      const url = new URL('/graphql', location.href);
      const subscriptionUrl = new URL(url);
      subscriptionUrl.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      const fetcher = GraphiQL.createFetcher({ url: url.href, subscriptionUrl: subscriptionUrl.href });
      ReactDOM.createRoot(document.getElementById('graphiql')).render(
        React.createElement(GraphiQL, { fetcher, defaultQuery: ${JSON.stringify(defaultQuery)} }),
      );
    </script>
  </body>
</html>
`;

export function mountGraphiQL(app: Express): void {
  const modules = path.join(projectRoot, 'node_modules');
  app.get('/graphiql', (_req, res) => {
    res.type('html').send(page);
  });
  app.get('/graphiql/assets/:file', (req, res) => {
    const asset = assets[req.params.file];
    if (!asset) {
      res.status(404).end();
      return;
    }
    res.sendFile(path.join(modules, asset), { maxAge: '1d' });
  });
}
