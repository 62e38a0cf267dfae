// Every domain's resolvers, merged, plus the scalars from graphql-scalars.
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { Resolvers } from './generated/graphql.js';
import { graphResolvers } from './graph/graph.resolvers.js';
import { changesResolvers } from './changes/changes.resolvers.js';
import { webhooksResolvers } from './changes/webhooks.resolvers.js';
import { identityResolvers } from './identity/identity.resolvers.js';
import { privacyResolvers } from './privacy/privacy.resolvers.js';
import { resolutionResolvers } from './resolution/resolution.resolvers.js';
import { profileResolvers } from './profile/profile.resolvers.js';
import { searchResolvers } from './identity/search.resolvers.js';
import { engagementResolvers } from './engagement/engagement.resolvers.js';
import { matchingResolvers } from './matching/matching.resolvers.js';
import { streamsResolvers } from './streams/streams.resolvers.js';

export const resolvers: Resolvers[] = [
  { DateTime: DateTimeResolver, JSON: JSONResolver },
  graphResolvers,
  identityResolvers,
  resolutionResolvers,
  changesResolvers,
  profileResolvers,
  webhooksResolvers,
  privacyResolvers,
  searchResolvers,
  engagementResolvers,
  matchingResolvers,
  streamsResolvers,
];
