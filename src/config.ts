// Parses the environment once; the only reader of process.env. Reports every problem at once.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The repository root, found from this file so it works from src/ (tests) and dist/ (built). */
export const projectRoot = fileURLToPath(new URL('../', import.meta.url));

/** Every role an API key can carry; the one list (src/access/auth.ts grants all of them to admin). */
export const allRoles = ['read', 'pii', 'write', 'admin', 'subscribe'] as const;
export type Role = (typeof allRoles)[number];

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
  MAX_QUERY_TOKENS: z.coerce.number().int().positive().default(50_000),
  MAX_BATCH_SIZE: z.coerce.number().int().positive().default(1000),
  MAX_STRING_LENGTH: z.coerce.number().int().positive().default(10_000),
  // Levels below persona/personas/identifier/person read in the root's one statement; 0: level by level.
  NESTED_READ_DEPTH: z.coerce.number().int().min(0).max(4).default(4),
  // Neo4j cannot index a property of more than about 8 KB; keys are bounded well below, in characters
  // of up to 4 UTF-8 bytes each, so an over-long key rejects its event instead of failing the batch.
  MAX_KEY_LENGTH: z.coerce.number().int().positive().max(1_500).default(1_000),
  CHANGE_POLL_MS: z.coerce.number().int().positive().default(250),
  CHANGE_RETENTION_DAYS: z.coerce.number().int().positive().default(90),
  // 0 turns the periodic staleness regrouping off; fractions are for tests.
  STALE_REGROUP_HOURS: z.coerce.number().min(0).default(24),
  REDIS_URL: z.string().optional(),
  MATCHING_MAX_BLOCK_PAIRS: z.coerce.number().int().positive().default(10_000),
  MATCHING_U_SAMPLE_PAIRS: z.coerce.number().int().positive().default(100_000),
  // 0 turns serve's scoring of ingested personas off.
  MATCHING_INCREMENTAL_MS: z.coerce.number().int().min(0).default(20),
  MATCHING_LEASE_MS: z.coerce.number().int().min(1000).default(15_000),
  WEBHOOK_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(50),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(12),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().positive().default(1000),
  WEBHOOK_RETRY_MAX_MS: z.coerce.number().int().positive().default(600_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  WEBHOOK_LEASE_MS: z.coerce.number().int().positive().default(30_000),
  WEBHOOK_CHECKPOINT_MS: z.coerce.number().int().positive().default(500),
  SHOW_STACK_TRACES: z.enum(['true', 'false']).optional(),
  ERASURE_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  JWT_JWKS_URL: z.string().url().optional(),
  JWT_PUBLIC_KEY: z.string().optional(),
  JWT_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCE: z.string().optional(),
  JWT_ROLES_CLAIM: z.string().default('roles'),
  JWT_ALGORITHM: z.string().default('RS256'),
  ENGAGEMENT_HALF_LIFE_DAYS: z.coerce.number().positive().default(30),
  INTEREST_FACT_KEYS: z.string().default('interests'),
  DIGITAL_SOPHISTICATION_BANDS: z
    .string()
    .regex(/^0?\.\d+,0?\.\d+$/, 'two thresholds between 0 and 1, e.g. 0.34,0.67')
    .default('0.34,0.67'),
  DIGITAL_WILLINGNESS_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
  PREFERRED_CHANNEL_FACT_KEY: z.string().min(1).default('preferred_channel'),
  PREFERRED_DEVICE_FACT_KEY: z.string().min(1).default('preferred_device'),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(0),
  RATE_LIMIT_BURST: z.coerce.number().int().positive().optional(),
  // Streams (src/streams/): off unless KAFKA_BROKERS is set.
  KAFKA_BROKERS: z.string().optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default('idgraph'),
  KAFKA_CHANGES_TOPIC: z.string().min(1).default('idgraph.changes'),
  KAFKA_CHANGES_PII: z.enum(['true', 'false']).default('false'),
  KAFKA_CHANGES_FROM: z.enum(['oldest', 'latest']).default('oldest'),
  KAFKA_EVENTS_TOPIC: z.string().optional(),
  KAFKA_EVENTS_GROUP: z.string().min(1).default('idgraph-ingest'),
  KAFKA_DEAD_LETTER_TOPIC: z.string().min(1).default('idgraph.events.rejected'),
  KAFKA_PUBLISH_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  KAFKA_EVENTS_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  KAFKA_LEASE_MS: z.coerce.number().int().positive().default(30_000),
  KAFKA_TLS: z.enum(['true', 'false']).default('false'),
  KAFKA_TLS_CA_FILE: z.string().optional(),
  KAFKA_SASL_MECHANISM: z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
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
  /**
   * Null when API_KEYS is unset: without JWT settings either, every caller gets every role (local
   * development and demo).
   */
  apiKeys: ApiKeyGrant[] | null;
  /** Bearer JWTs verified with jose (src/access/jwt.ts); null when no key source is configured. */
  jwt: JwtSettings | null;
  engagement: {
    /** Interest evidence loses half its weight every this many days. */
    halfLifeDays: number;
    /** DIRECT facts of these keys name topics the persona is interested in. */
    interestFactKeys: string[];
    /** Sophistication below the first is low, from the second high; willingness from the threshold high. */
    sophisticationBands: [number, number];
    willingnessThreshold: number;
    /** DIRECT facts of these keys say which channel and device kind a person prefers (over behaviour). */
    channelFactKey: string;
    deviceFactKey: string;
  };
  /** Requests per API key (or token subject, or client address) per minute; 0: no limit. */
  rateLimit: { perMinute: number; burst: number };
  limits: {
    maxQueryDepth: number;
    /** See costLimit in src/limits.ts for what a field costs. */
    maxQueryCost: number;
    /** Lexical tokens in one document: a huge one is refused while parsing, before validation. */
    maxQueryTokens: number;
    /** Levels below a root field the nested-read compiler reads in one statement (0: off). */
    nestedReadDepth: number;
    maxBatchSize: number;
    maxStringLength: number;
    /** For indexed values: identifier values, persona keys, event and device ids, codes. */
    maxKeyLength: number;
  };
  changes: { pollMs: number; retentionDays: number; redisUrl?: string };
  /** How often serve undoes groupings whose only glue went stale (0: never; `idgraph regroup --stale`). */
  staleRegroupMs: number;
  privacy: {
    /** Stack traces in error responses: only when NODE_ENV=development is set explicitly, or asked for. */
    showStackTraces: boolean;
    /** The HMAC key of erased identifiers' hashes (see src/access/erased.ts). */
    erasureSecret: string;
    /** True when ERASURE_SECRET is unset and the published local key stands in (never in production). */
    developmentErasureSecret: boolean;
  };
  webhooks: WebhookSettings;
  /** Link suggestions (src/matching/). */
  matching: {
    /** A blocking key giving more candidate pairs than this is cut (and reported). */
    maxBlockPairs: number;
    /** Random pairs of personas that estimate u. */
    samplePairs: number;
    /** How long serve gathers changed personas before scoring them (0: it never does). */
    incrementalMs: number;
    /** How long the lease on scoring them lasts unrenewed (one instance scores: a crashed one's expires). */
    leaseMs: number;
  };
  /** Null unless KAFKA_BROKERS is set. */
  kafka: KafkaSettings | null;
}

/** Publishing changes to Kafka and consuming events from it (see src/streams/). */
export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** TLS to the brokers; `caFile` adds a certificate authority to Node's own. */
  tls: { caFile?: string } | null;
  sasl: { mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; username: string; password: string } | null;
  changes: {
    topic: string;
    /** Identifier values unmasked in published changes. */
    pii: boolean;
    /** Where a topic never published to starts: every change the feed holds, or from now on. */
    from: 'oldest' | 'latest';
    /** Changes per produce request. */
    batchSize: number;
    /** How long an instance publishes without renewing: another takes over after a crash. */
    leaseMs: number;
  };
  /** Null unless KAFKA_EVENTS_TOPIC is set. */
  events: { topic: string; group: string; deadLetterTopic: string; batchSize: number } | null;
}

export interface JwtSettings {
  /** Where signing keys come from: a JWKS URL, a PEM public key, or a shared HS256 secret. */
  jwksUrl?: string;
  publicKey?: string;
  /** The algorithm of a PEM public key (RS256, ES256, …). */
  algorithm: string;
  secret?: string;
  issuer?: string;
  audience?: string;
  /** The claim holding the roles: an array, or a space-separated string. */
  rolesClaim: string;
}

/** How webhooks are delivered (see src/changes/webhooks.deliverer.ts). */
export interface WebhookSettings {
  /** Changes per POST. */
  batchSize: number;
  /** Failed attempts of one batch before its changes become dead letters. */
  maxAttempts: number;
  /** The wait after the first failure; it doubles with each further failure, up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** How long a receiver may take to answer one POST. */
  timeoutMs: number;
  /** How long an instance holds a webhook without renewing: another takes over after a crash. */
  leaseMs: number;
  /** How often, at most, a busy webhook's cursor is written (a crash resends what came after it). */
  checkpointMs: number;
}

/** For local runs only: a production deployment sets its own ERASURE_SECRET (docs/operations.md says so). */
const developmentErasureSecret = 'identity-graph-local-erasure-secret';

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
    const unknown = parsed.filter((r) => !(allRoles as readonly string[]).includes(r));
    if (unknown.length > 0) {
      problems.push(`API_KEYS: unknown role(s) ${unknown.join(', ')}; roles are ${allRoles.join(', ')}`);
      continue;
    }
    grants.push({ key: key.trim(), roles: parsed as Role[] });
  }
  return grants;
}

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): AppConfig {
  const e = parseEnvironment(environment);
  const problems: string[] = [];
  const apiKeys = parseApiKeys(e.API_KEYS, problems);
  problems.push(...inconsistencies(e));
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    env: e.NODE_ENV,
    http: { port: e.PORT, host: e.HOST },
    neo4j: neo4jSettings(e),
    defaultRegion: e.DEFAULT_REGION,
    apiKeys,
    jwt: jwtSettings(e),
    engagement: engagementSettings(e),
    rateLimit: {
      perMinute: e.RATE_LIMIT_PER_MINUTE,
      burst: e.RATE_LIMIT_BURST ?? Math.max(1, Math.ceil(e.RATE_LIMIT_PER_MINUTE / 6)),
    },
    limits: {
      maxQueryDepth: e.MAX_QUERY_DEPTH,
      maxQueryCost: e.MAX_QUERY_COST,
      maxQueryTokens: e.MAX_QUERY_TOKENS,
      nestedReadDepth: e.NESTED_READ_DEPTH,
      maxBatchSize: e.MAX_BATCH_SIZE,
      maxStringLength: e.MAX_STRING_LENGTH,
      maxKeyLength: e.MAX_KEY_LENGTH,
    },
    changes: { pollMs: e.CHANGE_POLL_MS, retentionDays: e.CHANGE_RETENTION_DAYS, redisUrl: e.REDIS_URL },
    staleRegroupMs: Math.round(e.STALE_REGROUP_HOURS * 3_600_000),
    webhooks: webhookSettings(e),
    matching: {
      maxBlockPairs: e.MATCHING_MAX_BLOCK_PAIRS,
      samplePairs: e.MATCHING_U_SAMPLE_PAIRS,
      incrementalMs: e.MATCHING_INCREMENTAL_MS,
      leaseMs: e.MATCHING_LEASE_MS,
    },
    kafka: kafkaSettings(e),
    privacy: {
      // An unset NODE_ENV counts as development for GraphiQL, but never for stack traces.
      showStackTraces:
        e.SHOW_STACK_TRACES === 'true' ||
        (e.SHOW_STACK_TRACES === undefined && environment.NODE_ENV === 'development'),
      erasureSecret: e.ERASURE_SECRET ?? developmentErasureSecret,
      developmentErasureSecret: e.ERASURE_SECRET === undefined,
    },
  };
}

type Environment = z.output<typeof environmentSchema>;

/** The configuration with Kafka at `brokers` and the other KAFKA_* settings as set (`serve --kafka`). */
export function withKafkaBrokers(config: AppConfig, brokers: string, environment = process.env): AppConfig {
  return { ...config, kafka: kafkaSettings(parseEnvironment({ ...environment, KAFKA_BROKERS: brokers })) };
}

/** The variables, each checked on its own: every problem is reported at once. */
function parseEnvironment(environment: NodeJS.ProcessEnv): Environment {
  const result = environmentSchema.safeParse(environment);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return result.data;
}

/** Settings each valid on its own but not together. */
function inconsistencies(e: Environment): string[] {
  const problems: string[] = [];
  // A POST must end while its lease holds, or a second instance could send the same batch meanwhile.
  if (e.WEBHOOK_LEASE_MS < 2 * e.WEBHOOK_TIMEOUT_MS) {
    problems.push('WEBHOOK_LEASE_MS must be at least twice WEBHOOK_TIMEOUT_MS');
  }
  if (e.WEBHOOK_CHECKPOINT_MS * 3 > e.WEBHOOK_LEASE_MS) {
    problems.push('WEBHOOK_CHECKPOINT_MS must be at most a third of WEBHOOK_LEASE_MS');
  }
  if (e.KAFKA_SASL_MECHANISM && (!e.KAFKA_SASL_USERNAME || e.KAFKA_SASL_PASSWORD === undefined)) {
    problems.push('KAFKA_SASL_MECHANISM: set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD too');
  }
  if (jwtKeySources(e) > 1) problems.push('JWT: set only one of JWT_JWKS_URL, JWT_PUBLIC_KEY and JWT_SECRET');
  // Erased identifiers' hashes must not be computable by anyone who read this repository.
  if (e.NODE_ENV === 'production' && !e.ERASURE_SECRET) {
    problems.push('ERASURE_SECRET: required when NODE_ENV=production (16 characters or more, kept secret)');
  }
  return problems;
}

const jwtKeySources = (e: Environment) =>
  [e.JWT_JWKS_URL, e.JWT_PUBLIC_KEY, e.JWT_SECRET].filter(Boolean).length;

function neo4jSettings(e: Environment): AppConfig['neo4j'] {
  return {
    uri: e.NEO4J_URI || undefined,
    user: e.NEO4J_USER,
    password: e.NEO4J_PASSWORD,
    database: e.NEO4J_DATABASE || undefined,
    provider: e.NEO4J_PROVIDER,
    home: path.resolve(projectRoot, e.NEO4J_HOME),
    boltPort: e.NEO4J_BOLT_PORT,
    heap: e.NEO4J_HEAP,
    pageCacheMb: e.NEO4J_PAGECACHE_MB,
  };
}

function jwtSettings(e: Environment): AppConfig['jwt'] {
  if (jwtKeySources(e) === 0) return null;
  return {
    jwksUrl: e.JWT_JWKS_URL,
    publicKey: e.JWT_PUBLIC_KEY,
    algorithm: e.JWT_ALGORITHM,
    secret: e.JWT_SECRET,
    issuer: e.JWT_ISSUER,
    audience: e.JWT_AUDIENCE,
    rolesClaim: e.JWT_ROLES_CLAIM,
  };
}

function engagementSettings(e: Environment): AppConfig['engagement'] {
  return {
    halfLifeDays: e.ENGAGEMENT_HALF_LIFE_DAYS,
    interestFactKeys: e.INTEREST_FACT_KEYS.split(',')
      .map((k) => k.trim())
      .filter(Boolean),
    sophisticationBands: e.DIGITAL_SOPHISTICATION_BANDS.split(',').map(Number) as [number, number],
    willingnessThreshold: e.DIGITAL_WILLINGNESS_THRESHOLD,
    channelFactKey: e.PREFERRED_CHANNEL_FACT_KEY,
    deviceFactKey: e.PREFERRED_DEVICE_FACT_KEY,
  };
}

function webhookSettings(e: Environment): WebhookSettings {
  return {
    batchSize: e.WEBHOOK_BATCH_SIZE,
    maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
    retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
    retryMaxMs: e.WEBHOOK_RETRY_MAX_MS,
    timeoutMs: e.WEBHOOK_TIMEOUT_MS,
    leaseMs: e.WEBHOOK_LEASE_MS,
    checkpointMs: e.WEBHOOK_CHECKPOINT_MS,
  };
}

/** This process's environment with some variables set: for a child process (the offline importer). */
export function childEnvironment(vars: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...vars };
}

function kafkaSettings(e: Environment): KafkaSettings | null {
  const brokers = (e.KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (brokers.length === 0) return null;
  return {
    brokers,
    clientId: e.KAFKA_CLIENT_ID,
    tls: e.KAFKA_TLS === 'true' || e.KAFKA_TLS_CA_FILE ? { caFile: e.KAFKA_TLS_CA_FILE } : null,
    sasl: e.KAFKA_SASL_MECHANISM
      ? {
          mechanism: e.KAFKA_SASL_MECHANISM,
          username: e.KAFKA_SASL_USERNAME ?? '',
          password: e.KAFKA_SASL_PASSWORD ?? '',
        }
      : null,
    changes: {
      topic: e.KAFKA_CHANGES_TOPIC,
      pii: e.KAFKA_CHANGES_PII === 'true',
      from: e.KAFKA_CHANGES_FROM,
      batchSize: e.KAFKA_PUBLISH_BATCH_SIZE,
      leaseMs: e.KAFKA_LEASE_MS,
    },
    events: e.KAFKA_EVENTS_TOPIC
      ? {
          topic: e.KAFKA_EVENTS_TOPIC,
          group: e.KAFKA_EVENTS_GROUP,
          deadLetterTopic: e.KAFKA_DEAD_LETTER_TOPIC,
          batchSize: e.KAFKA_EVENTS_BATCH_SIZE,
        }
      : null,
  };
}
