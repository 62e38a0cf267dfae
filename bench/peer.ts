// The peer a frontend team would otherwise pick: @neo4j/graphql (a devDependency used by the bench
// only) on the same database, with type definitions for our labels, served by Apollo over HTTP like
// our API. A driver wrapper counts the statements it sends, its database round trips.
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { Neo4jGraphQL } from '@neo4j/graphql';
import type { Driver } from 'neo4j-driver';

const typeDefs = /* GraphQL */ `
  type Persona @node {
    id: ID!
    key: String!
    context: String
    label: String
    identifiers: [Identifier!]! @relationship(type: "HAS_IDENTIFIER", direction: OUT)
    devices: [Device!]! @relationship(type: "USES", direction: OUT)
  }
  type Identifier @node {
    type: String!
    value: String!
    shared: Boolean
    personas: [Persona!]! @relationship(type: "HAS_IDENTIFIER", direction: IN)
    devices: [Device!]! @relationship(type: "OBSERVED", direction: IN)
  }
  type Device @node {
    id: ID!
    kind: String
    identifiers: [Identifier!]! @relationship(type: "OBSERVED", direction: OUT)
    personas: [Persona!]! @relationship(type: "USES", direction: IN)
  }
`;

type Runner = { run: (...args: unknown[]) => unknown };

/** Wraps anything with `run` (a session or a transaction) so each call counts as one round trip. */
function counted<T extends object>(target: T, count: () => void): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (property === 'run') {
        return (...args: unknown[]) => {
          count();
          return (value as Runner['run']).apply(object, args);
        };
      }
      if (property === 'executeRead' || property === 'executeWrite') {
        return (work: (tx: object) => unknown, ...rest: unknown[]) =>
          (value as (...a: unknown[]) => unknown).apply(object, [
            (tx: object) => work(counted(tx, count)),
            ...rest,
          ]);
      }
      if (property === 'beginTransaction') {
        return (...args: unknown[]) =>
          counted((value as (...a: unknown[]) => object).apply(object, args), count);
      }
      return (value as (...a: unknown[]) => unknown).bind(object);
    },
  });
}

export async function startPeer(driver: Driver) {
  let roundTrips = 0;
  const count = () => void roundTrips++;
  const countingDriver = new Proxy(driver, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver) as unknown;
      if (property === 'session') {
        return (...args: unknown[]) =>
          counted((value as (...a: unknown[]) => object).apply(object, args), count);
      }
      if (property === 'executeQuery') {
        return (...args: unknown[]) => {
          count();
          return (value as (...a: unknown[]) => unknown).apply(object, args);
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(object) : value;
    },
  });
  const schema = await new Neo4jGraphQL({ typeDefs, driver: countingDriver }).getSchema();
  const server = new ApolloServer({ schema });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return {
    url,
    roundTrips: () => roundTrips,
    resetRoundTrips: () => void (roundTrips = 0),
    stop: () => server.stop(),
  };
}
