// Parses the environment once; the only reader of process.env. Reports every problem at once.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The repository root, found from this file so it works from src/ (tests) and dist/ (built). */
export const projectRoot = fileURLToPath(new URL('../', import.meta.url));

const roles = ['read', 'pii', 'write', 'admin', 'subscribe'] as const;
export type Role = (typeof roles)[number];

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  NEO4J_URI: z.string().optional(),
  NEO4J_USER: z.string().default('neo4j'),
  NEO4J_PASSWORD: z.string().default(''),
  NEO4J_DATABASE: z.string().optional(),
  NEO4J_PROVIDER: z.enum(['embedded', 'testcontainers']).default('embedded'),
  NEO4J_HOME: z.string().default('.data/neo4j'),
  NEO4J_BOLT_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  NEO4J_HEAP: z.string().default('1g'),
  NEO4J_PAGECACHE_MB: z.coerce.number().int().positive().default(256),
  DEFAULT_REGION: z
    .string()
    .regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 region such as US or FR')
    .default('US'),
  API_KEYS: z.string().optional(),
  MAX_QUERY_DEPTH: z.coerce.number().int().positive().default(12),
  MAX_QUERY_COST: z.coerce.number().int().positive().default(1_000),
  MAX_BATCH_SIZE: z.coerce.number().int().positive().default(1000),
  MAX_STRING_LENGTH: z.coerce.number().int().positive().default(10_000),
  // Neo4j cannot index a property of more than about 8 KB; keys are bounded well below, in characters
  // of up to 4 UTF-8 bytes each, so an over-long key rejects its event instead of failing the batch.
  MAX_KEY_LENGTH: z.coerce.number().int().positive().max(1_500).default(1_000),
  CHANGE_POLL_MS: z.coerce.number().int().positive().default(250),
  CHANGE_RETENTION_DAYS: z.coerce.number().int().positive().default(90),
  REDIS_URL: z.string().optional(),
});

export interface ApiKeyGrant {
  key: string;
  roles: Role[];
}

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  http: { port: number; host: string };
  neo4j: {
    /** Unset: the project starts its own embedded Neo4j. */
    uri?: string;
    user: string;
    password: string;
    database?: string;
    provider: 'embedded' | 'testcontainers';
    home: string;
    boltPort: number;
    heap: string;
    pageCacheMb: number;
  };
  defaultRegion: string;
  /** Null when API_KEYS is unset: every caller gets every role (local development and demo). */
  apiKeys: ApiKeyGrant[] | null;
  limits: {
    maxQueryDepth: number;
    /** See costLimit in src/limits.ts for what a field costs. */
    maxQueryCost: number;
    maxBatchSize: number;
    maxStringLength: number;
    /** For indexed values: identifier values, persona keys, event and device ids, codes. */
    maxKeyLength: number;
  };
  changes: { pollMs: number; retentionDays: number; redisUrl?: string };
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function parseApiKeys(raw: string | undefined, problems: string[]): ApiKeyGrant[] | null {
  if (raw === undefined || raw.trim() === '') return null;
  const grants: ApiKeyGrant[] = [];
  for (const entry of raw.split(',')) {
    const [key, roleList] = entry.split('=');
    if (!key || !roleList) {
      problems.push(`API_KEYS: "${entry}" is not of the form <key>=<role>[+<role>…]`);
      continue;
    }
    const parsed = roleList.split('+').map((r) => r.trim());
    const unknown = parsed.filter((r) => !(roles as readonly string[]).includes(r));
    if (unknown.length > 0) {
      problems.push(`API_KEYS: unknown role(s) ${unknown.join(', ')}; roles are ${roles.join(', ')}`);
      continue;
    }
    grants.push({ key: key.trim(), roles: parsed as Role[] });
  }
  return grants;
}

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): AppConfig {
  const result = environmentSchema.safeParse(environment);
  const problems: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(problems);
  }
  const e = result.data;
  const apiKeys = parseApiKeys(e.API_KEYS, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    env: e.NODE_ENV,
    http: { port: e.PORT, host: e.HOST },
    neo4j: {
      uri: e.NEO4J_URI || undefined,
      user: e.NEO4J_USER,
      password: e.NEO4J_PASSWORD,
      database: e.NEO4J_DATABASE || undefined,
      provider: e.NEO4J_PROVIDER,
      home: path.resolve(projectRoot, e.NEO4J_HOME),
      boltPort: e.NEO4J_BOLT_PORT,
      heap: e.NEO4J_HEAP,
      pageCacheMb: e.NEO4J_PAGECACHE_MB,
    },
    defaultRegion: e.DEFAULT_REGION,
    apiKeys,
    limits: {
      maxQueryDepth: e.MAX_QUERY_DEPTH,
      maxQueryCost: e.MAX_QUERY_COST,
      maxBatchSize: e.MAX_BATCH_SIZE,
      maxStringLength: e.MAX_STRING_LENGTH,
      maxKeyLength: e.MAX_KEY_LENGTH,
    },
    changes: { pollMs: e.CHANGE_POLL_MS, retentionDays: e.CHANGE_RETENTION_DAYS, redisUrl: e.REDIS_URL },
  };
}
