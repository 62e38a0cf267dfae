// Every domain's resolvers, merged, plus the scalars from graphql-scalars.
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { Resolvers } from './generated/graphql.js';
import { graphResolvers } from './graph/graph.resolvers.js';
import { changesResolvers } from './changes/changes.resolvers.js';
import { identityResolvers } from './identity/identity.resolvers.js';
import { resolutionResolvers } from './resolution/resolution.resolvers.js';
import { searchResolvers } from './identity/search.resolvers.js';

export const resolvers: Resolvers[] = [
  { DateTime: DateTimeResolver, JSON: JSONResolver },
  graphResolvers,
  identityResolvers,
  resolutionResolvers,
  changesResolvers,
  searchResolvers,
];
