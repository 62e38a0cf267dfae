// The executable schema: schema.graphql (the contract) joined with the resolvers.
import fs from 'node:fs';
import path from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { projectRoot } from './config.js';
import { resolvers } from './resolvers.js';

export const typeDefs = fs.readFileSync(path.join(projectRoot, 'schema.graphql'), 'utf8');

export function buildSchema() {
  return makeExecutableSchema({ typeDefs, resolvers });
}
