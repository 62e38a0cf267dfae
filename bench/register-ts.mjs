// Lets Node run a bench written in TypeScript straight from the sources, without a build step:
// `node --import ./bench/register-ts.mjs bench/changes-latency.ts`. TypeScript (a dev dependency)
// strips the types; `./x.js` imports resolve to `./x.ts` as they do for tsc.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
