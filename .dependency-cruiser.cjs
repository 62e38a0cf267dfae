// The import directions of README "Architecture", checked by `npm run lint` (dependency-cruiser).
// Type-only imports count: a layer that needs another's types depends on it as much as on its code.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      comment:
        'Folders under src/ form layers: wiring and cli → domains → access, outbox → graph → launcher. A folder that ' +
        'reaches back into one that depends on it makes them one tangle: move the shared part down.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-module-cycle',
      comment: 'Modules import in one direction; a cycle makes load order (and ESM live bindings) matter.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-foreign-repository',
      comment:
        "A domain uses another domain's models and services, never its repository: the repository's " +
        "statements are that domain's to keep. Only the wiring (src/*.ts, src/cli/) builds repositories.",
      severity: 'error',
      from: { path: '^src/([^/]+)/', pathNot: '^src/cli/' },
      to: { path: '^src/[^/]+/[^/]+\\.repository\\.ts$', pathNot: '^src/$1/' },
    },
    {
      name: 'no-domain-below',
      comment:
        'graph/, access/, outbox/ and launcher/ sit below the domains, so every domain may use them: one that ' +
        'imports a domain would tie all of them together. Define what it needs there and let the domain hand it in.',
      severity: 'error',
      from: { path: '^src/(graph|access|outbox|launcher)/' },
      to: { path: '^src/(identity|resolution|profile|privacy|changes|engagement|streams|cli)/' },
    },
    {
      name: 'no-wiring-from-below',
      comment:
        'The wiring (src/*.ts: server, context, the composition root) builds the domains; a domain that ' +
        'imports it depends on everything. Only the cli starts from the composition root.',
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: '^src/cli/' },
      to: { path: '^src/(services|server|context|resolvers|schema|graphql-http|graphiql|ws-auth)\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Generated types (codegen maps GraphQL types to our models) are a leaf for every folder, not a layer.
    exclude: { path: '^src/generated/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
