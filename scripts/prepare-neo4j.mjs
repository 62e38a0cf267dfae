// Resolves Neo4j Community from Maven Central and builds the embedded launcher ahead of time, so the
// first `npm start` or test run does not spend its first minute in Maven (CI caches ~/.m2 after this).
import { prepareEmbeddedNeo4j } from '../dist/graph/embedded.js';

prepareEmbeddedNeo4j((line) => console.error(line));
console.error('Neo4j is prepared (neo4j/target).');
