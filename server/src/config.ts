import { existsSync } from 'node:fs';
import path from 'node:path';

/** Raised when one or more environment variables are invalid; names every bad one. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export type Environment = 'development' | 'production' | 'test';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface WarningThresholds {
  /** A task due within this many days with progress below `dueSoonProgress` is flagged. */
  dueSoonDays: number;
  dueSoonProgress: number;
  /** Progress below elapsed time by more than this many percentage points is "behind schedule". */
  behindSchedulePoints: number;
  /** No report for this many days makes an open task "stale". */
  staleDays: number;
  /** Reports waiting longer than this many days make a review bottleneck. */
  reviewWaitDays: number;
  /** A deadline-extension request waiting longer than this many days for a decision is a bottleneck. */
  extensionWaitDays: number;
}

export interface RateLimits {
  /** Sign-in attempts allowed per client address per window. */
  signInPerIp: number;
  /** Sign-in attempts allowed per username per window (whoever sends them). */
  signInPerUsername: number;
  /** Token refreshes allowed per client address per window. */
  refreshPerIp: number;
  windowSeconds: number;
  /** First delay after a failed sign-in; doubles with each further failure (capped at 8×). */
  signInDelayMs: number;
}

export interface Config {
  env: Environment;
  host: string;
  port: number;
  /** Unset: an embedded PostgreSQL is started in `dataDir`. */
  databaseUrl: string | undefined;
  /** Streaming standbys for read-only requests (docs/SCALING.md); empty: the primary serves all. */
  databaseReplicaUrls: string[];
  /** A replica further behind than this is out of rotation until it catches up. */
  replicaMaxLagSeconds: number;
  dataDir: string;
  logLevel: LogLevel;
  /** Secret for signing access tokens; in development a random one is kept in `dataDir`. */
  jwtSecret: string | undefined;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  /** No sign-in outlives this many days, however often it is refreshed. */
  refreshTokenMaxDays: number;
  /** Removals older than this are purged; older cursors answer `reset`. */
  syncTombstoneRetentionDays: number;
  rateLimits: RateLimits;
  /** Prefix of every Redis key, so several deployments (or test runs) can share one Redis. */
  redisKeyPrefix: string;
  corsOrigins: string[];
  redisUrl: string | undefined;
  seedDemo: boolean;
  /** Whether this process may be elected to run background work (derived data, periodic jobs). */
  derivedWorker: boolean;
  /** Shortest time between two batches of the derived-data worker that were not full. */
  derivedBatchIntervalMs: number;
  /** API processes started by node:cluster (1: this process serves alone). */
  webConcurrency: number;
  /** An imported account's activation code expires after this many days (it can be reissued). */
  activationCodeDays: number;
  /** Largest spreadsheet accepted by the import upload. */
  importMaxBytes: number;
  maxUploadBytes: number;
  maxRequestBytes: number;
  /** Deepest GraphQL selection accepted, and the most work (points) one request may ask for. */
  graphqlMaxDepth: number;
  graphqlMaxComplexity: number;
  webDist: string;
  warnings: WarningThresholds;
  /** /metrics on its own port, or on the main port behind the token; neither: no /metrics. */
  metrics: { port: number | undefined; token: string | undefined };
  push: PushConfig;
}

export interface PushConfig {
  /** VAPID keys (base64url); unset: a pair generated once and kept in `dataDir`. */
  vapidPublicKey: string | undefined;
  vapidPrivateKey: string | undefined;
  /** Who the push services may contact about this sender (mailto: or https:). */
  vapidSubject: string;
  /** Host names (and their subdomains) a subscription's endpoint may point at. */
  endpointHosts: string[];
  /** "Due soon" notices (and their pushes) go out this many days before a task's due date. */
  dueSoonDays: number;
}

type Reader<T> = (raw: string) => T;

interface Spec<T> {
  /** Shown in the error and in the README's configuration table. */
  description: string;
  read: Reader<T>;
  fallback: (env: Environment) => T;
}

const integer =
  (min: number, max: number): Reader<number> =>
  (raw) => {
    if (!/^-?\d+$/.test(raw.trim())) throw new Error(`must be a whole number, got "${raw}"`);
    const n = Number(raw);
    if (n < min || n > max) throw new Error(`must be between ${min} and ${max}, got ${n}`);
    return n;
  };

const oneOf =
  <T extends string>(...values: T[]): Reader<T> =>
  (raw) => {
    if (!values.includes(raw as T)) throw new Error(`must be one of ${values.join(', ')}, got "${raw}"`);
    return raw as T;
  };

const boolean: Reader<boolean> = (raw) => {
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new Error(`must be true or false, got "${raw}"`);
};

const url =
  (...protocols: string[]): Reader<string> =>
  (raw) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new Error('must be a URL');
    }
    if (!protocols.includes(parsed.protocol)) {
      throw new Error(`must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
    }
    return raw;
  };

/** A base64url string that decodes to exactly `bytes` bytes (a VAPID key). */
const base64urlKey =
  (bytes: number): Reader<string> =>
  (raw) => {
    const value = raw.trim();
    if (!/^[A-Za-z0-9_-]+$/.test(value) || Buffer.from(value, 'base64url').length !== bytes) {
      throw new Error(`must be a base64url key of ${bytes} bytes`);
    }
    return value;
  };

/** A comma-separated list, each item read by `item`. */
const list =
  <T>(item: Reader<T>): Reader<T[]> =>
  (raw) =>
    raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map(item);

const text: Reader<string> = (raw) => {
  if (!raw.trim()) throw new Error('must not be empty');
  return raw.trim();
};

/** Every variable Resolute reads, with its meaning and default. */
export const configSpec = {
  NODE_ENV: {
    description: 'development, production or test',
    read: oneOf<Environment>('development', 'production', 'test'),
    fallback: () => 'development' as Environment,
  },
  HOST: { description: 'Address to listen on', read: text, fallback: () => '0.0.0.0' },
  PORT: { description: 'Port for the API and the web app', read: integer(0, 65535), fallback: () => 4000 },
  DATABASE_URL: {
    description: 'PostgreSQL URL; unset starts an embedded PostgreSQL in DATA_DIR',
    read: url('postgres:', 'postgresql:'),
    fallback: () => undefined,
  },
  DATABASE_REPLICA_URLS: {
    description: 'Comma-separated PostgreSQL URLs of streaming standbys; read-only GraphQL requests use them',
    read: list(url('postgres:', 'postgresql:')),
    fallback: () => [] as string[],
  },
  REPLICA_MAX_LAG_SECONDS: {
    description: 'A replica further behind than this is taken out of rotation (reads go to the primary) until it catches up',
    read: integer(1, 86_400),
    fallback: () => 30,
  },
  DATA_DIR: {
    description: 'Embedded database, uploaded files and the development secret',
    read: text,
    fallback: () => '.data',
  },
  LOG_LEVEL: {
    description: 'debug, info, warn, error or silent',
    read: oneOf<LogLevel>('debug', 'info', 'warn', 'error', 'silent'),
    fallback: (env: Environment) => (env === 'test' ? 'silent' : 'info') as LogLevel,
  },
  JWT_SECRET: {
    description: 'At least 32 characters; required in production',
    read: (raw: string) => {
      if (raw.length < 32) throw new Error('must be at least 32 characters long');
      return raw;
    },
    fallback: () => undefined,
  },
  ACCESS_TOKEN_TTL_SECONDS: {
    description: 'Lifetime of an access token',
    read: integer(60, 86_400),
    fallback: () => 900,
  },
  REFRESH_TOKEN_TTL_DAYS: {
    description: 'Lifetime of a refresh token since its last use (offline officers)',
    read: integer(1, 365),
    fallback: () => 30,
  },
  REFRESH_TOKEN_MAX_DAYS: {
    description: 'Absolute lifetime of a sign-in, however often it is refreshed',
    read: integer(1, 730),
    fallback: () => 90,
  },
  SYNC_TOMBSTONE_RETENTION_DAYS: {
    description: 'Days a removal is kept for devices to pull; a device that last synced before that downloads its view again',
    read: integer(1, 3650),
    fallback: () => 180,
  },
  RATE_LIMIT_SIGNIN_PER_IP: {
    description: 'Sign-in attempts per client address per window (an office behind one NAT shares it)',
    read: integer(1, 1_000_000),
    fallback: () => 100,
  },
  RATE_LIMIT_SIGNIN_PER_USERNAME: {
    description: 'Sign-in attempts per username per window',
    read: integer(1, 1_000_000),
    fallback: () => 10,
  },
  RATE_LIMIT_REFRESH_PER_IP: {
    description: 'Token refreshes per client address per window',
    read: integer(1, 1_000_000),
    fallback: () => 300,
  },
  RATE_LIMIT_WINDOW_SECONDS: {
    description: 'Length of the rate-limit window',
    read: integer(1, 86_400),
    fallback: () => 900,
  },
  SIGNIN_DELAY_MS: {
    description: 'Delay after a failed sign-in, doubling per further failure (up to 8×)',
    read: integer(0, 10_000),
    fallback: () => 250,
  },
  CORS_ORIGINS: {
    description: 'Comma-separated origins allowed to call the API from another origin',
    read: list(url('http:', 'https:')),
    fallback: () => [] as string[],
  },
  REDIS_URL: {
    description: 'Redis for rate limits across API processes; unset keeps them in PostgreSQL',
    read: url('redis:', 'rediss:'),
    fallback: () => undefined,
  },
  REDIS_KEY_PREFIX: {
    description: 'Prefix of every Redis key Resolute writes',
    read: text,
    fallback: () => 'resolute:',
  },
  SEED_DEMO: {
    description: 'Seed demo units, accounts and tasks into an empty database',
    read: boolean,
    fallback: (env: Environment) => env === 'development',
  },
  DERIVED_WORKER: {
    description:
      'Let this process be elected to run background work: the derived-data worker and the periodic jobs (one leader across all processes)',
    read: boolean,
    fallback: () => true,
  },
  DERIVED_BATCH_INTERVAL_MS: {
    description:
      'Shortest time in ms between two batches of the derived-data worker when it is not behind: longer gathers more changes a batch (less CPU under load), shorter makes figures fresher',
    read: integer(0, 60_000),
    fallback: () => 250,
  },
  WEB_CONCURRENCY: {
    description: 'API processes to start on this machine (node:cluster; about one per core); more than 1 needs DATABASE_URL',
    read: integer(1, 256),
    fallback: () => 1,
  },
  ACTIVATION_CODE_DAYS: {
    description: "Days an imported account's one-time activation code stays valid",
    read: integer(1, 90),
    fallback: () => 14,
  },
  IMPORT_MAX_BYTES: {
    description: 'Largest spreadsheet accepted for an import',
    read: integer(1024, 512 * 1024 * 1024),
    fallback: () => 64 * 1024 * 1024,
  },
  MAX_UPLOAD_BYTES: {
    description: 'Largest evidence file accepted',
    read: integer(1024, 1024 * 1024 * 1024),
    fallback: () => 10 * 1024 * 1024,
  },
  MAX_REQUEST_BYTES: {
    description: 'Largest GraphQL request body',
    read: integer(1024, 64 * 1024 * 1024),
    fallback: () => 2 * 1024 * 1024,
  },
  GRAPHQL_MAX_DEPTH: {
    description: 'Deepest GraphQL query accepted',
    read: integer(2, 100),
    fallback: () => 12,
  },
  GRAPHQL_MAX_COMPLEXITY: {
    description: 'Most work one GraphQL request may ask for (a page of N items costs N × its fields)',
    read: integer(10, 10_000_000),
    fallback: () => 20_000,
  },
  WEB_DIST: {
    description: 'Folder of the built web app served at /',
    read: text,
    fallback: () => defaultWebDist(),
  },
  WARN_DUE_SOON_DAYS: { description: 'Warning: due within N days…', read: integer(1, 365), fallback: () => 14 },
  WARN_DUE_SOON_PROGRESS: { description: '…with progress below M %', read: integer(1, 100), fallback: () => 50 },
  WARN_BEHIND_POINTS: {
    description: 'Warning: progress below elapsed time by more than N points',
    read: integer(1, 100),
    fallback: () => 20,
  },
  WARN_STALE_DAYS: { description: 'Warning: no report for N days', read: integer(1, 365), fallback: () => 30 },
  WARN_REVIEW_DAYS: {
    description: 'Warning: reports waiting for review longer than N days',
    read: integer(1, 365),
    fallback: () => 7,
  },
  WARN_EXTENSION_DAYS: {
    description: 'Warning: a deadline-extension request waiting for a decision longer than N days',
    read: integer(1, 365),
    fallback: () => 5,
  },
  METRICS_PORT: {
    description: 'Port of a separate listener serving only /metrics (unset: none; 0: any free port)',
    read: integer(0, 65535),
    fallback: () => undefined as number | undefined,
  },
  METRICS_TOKEN: {
    description: 'Bearer token for /metrics, at least 16 characters; set alone, /metrics is served on PORT behind it',
    read: (raw: string) => {
      if (raw.length < 16) throw new Error('must be at least 16 characters long');
      return raw;
    },
    fallback: () => undefined as string | undefined,
  },
  VAPID_PUBLIC_KEY: {
    description:
      'Web Push VAPID public key (base64url, 65 bytes); unset with VAPID_PRIVATE_KEY: a pair is generated once into DATA_DIR',
    read: base64urlKey(65),
    fallback: () => undefined as string | undefined,
  },
  VAPID_PRIVATE_KEY: {
    description: 'Web Push VAPID private key (base64url, 32 bytes); set together with VAPID_PUBLIC_KEY',
    read: base64urlKey(32),
    fallback: () => undefined as string | undefined,
  },
  VAPID_SUBJECT: {
    description: 'Contact the push services may use about this sender: a mailto: or https: URL',
    read: url('mailto:', 'https:'),
    fallback: () => 'mailto:admin@resolute.invalid',
  },
  PUSH_ENDPOINT_HOSTS: {
    description:
      'Comma-separated push service hosts a device subscription may point at (subdomains included); the server sends to no other host',
    read: list(text),
    fallback: () => [...DEFAULT_PUSH_HOSTS],
  },
  NOTIFY_DUE_SOON_DAYS: {
    description: "Days before its due date a task's lead unit is notified (and its devices pushed); unset: WARN_DUE_SOON_DAYS",
    read: integer(1, 365),
    fallback: () => undefined as number | undefined,
  },
} satisfies Record<string, Spec<unknown>>;

/** The push services of Chromium-based browsers, Firefox, Edge and Safari. */
export const DEFAULT_PUSH_HOSTS = [
  'fcm.googleapis.com',
  'push.services.mozilla.com',
  'notify.windows.com',
  'push.apple.com',
] as const;

/** web/dist of the repository, from the sources (server/src) or the build (server/dist/server/src). */
function defaultWebDist(): string {
  for (let dir = import.meta.dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'web', 'package.json'))) return path.join(dir, 'web', 'dist');
  }
  return path.resolve(import.meta.dirname, '../../web/dist');
}

type SpecValue<K extends keyof typeof configSpec> = ReturnType<(typeof configSpec)[K]['fallback']>;

/** Reads and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const env = readOne('NODE_ENV', 'development');
  function readOne<K extends keyof typeof configSpec>(key: K, envName: Environment): SpecValue<K> {
    const spec = configSpec[key] as Spec<SpecValue<K>>;
    const raw = source[key];
    if (raw === undefined || raw === '') return spec.fallback(envName);
    try {
      return spec.read(raw);
    } catch (e) {
      problems.push(`${key} ${(e as Error).message} (${spec.description})`);
      return spec.fallback(envName);
    }
  }
  const get = <K extends keyof typeof configSpec>(key: K) => readOne(key, env);

  const config: Config = {
    env,
    host: get('HOST'),
    port: get('PORT'),
    databaseUrl: get('DATABASE_URL'),
    databaseReplicaUrls: get('DATABASE_REPLICA_URLS'),
    replicaMaxLagSeconds: get('REPLICA_MAX_LAG_SECONDS'),
    dataDir: path.resolve(get('DATA_DIR')),
    logLevel: get('LOG_LEVEL'),
    jwtSecret: get('JWT_SECRET'),
    accessTokenTtlSeconds: get('ACCESS_TOKEN_TTL_SECONDS'),
    refreshTokenTtlDays: get('REFRESH_TOKEN_TTL_DAYS'),
    refreshTokenMaxDays: get('REFRESH_TOKEN_MAX_DAYS'),
    syncTombstoneRetentionDays: get('SYNC_TOMBSTONE_RETENTION_DAYS'),
    rateLimits: {
      signInPerIp: get('RATE_LIMIT_SIGNIN_PER_IP'),
      signInPerUsername: get('RATE_LIMIT_SIGNIN_PER_USERNAME'),
      refreshPerIp: get('RATE_LIMIT_REFRESH_PER_IP'),
      windowSeconds: get('RATE_LIMIT_WINDOW_SECONDS'),
      signInDelayMs: get('SIGNIN_DELAY_MS'),
    },
    redisKeyPrefix: get('REDIS_KEY_PREFIX'),
    corsOrigins: get('CORS_ORIGINS'),
    redisUrl: get('REDIS_URL'),
    seedDemo: get('SEED_DEMO'),
    derivedWorker: get('DERIVED_WORKER'),
    derivedBatchIntervalMs: get('DERIVED_BATCH_INTERVAL_MS'),
    webConcurrency: get('WEB_CONCURRENCY'),
    activationCodeDays: get('ACTIVATION_CODE_DAYS'),
    importMaxBytes: get('IMPORT_MAX_BYTES'),
    maxUploadBytes: get('MAX_UPLOAD_BYTES'),
    maxRequestBytes: get('MAX_REQUEST_BYTES'),
    graphqlMaxDepth: get('GRAPHQL_MAX_DEPTH'),
    graphqlMaxComplexity: get('GRAPHQL_MAX_COMPLEXITY'),
    webDist: path.resolve(get('WEB_DIST')),
    warnings: {
      dueSoonDays: get('WARN_DUE_SOON_DAYS'),
      dueSoonProgress: get('WARN_DUE_SOON_PROGRESS'),
      behindSchedulePoints: get('WARN_BEHIND_POINTS'),
      staleDays: get('WARN_STALE_DAYS'),
      reviewWaitDays: get('WARN_REVIEW_DAYS'),
      extensionWaitDays: get('WARN_EXTENSION_DAYS'),
    },
    metrics: { port: get('METRICS_PORT'), token: get('METRICS_TOKEN') },
    push: {
      vapidPublicKey: get('VAPID_PUBLIC_KEY'),
      vapidPrivateKey: get('VAPID_PRIVATE_KEY'),
      vapidSubject: get('VAPID_SUBJECT'),
      endpointHosts: get('PUSH_ENDPOINT_HOSTS').map((h) => h.toLowerCase()),
      dueSoonDays: get('NOTIFY_DUE_SOON_DAYS') ?? get('WARN_DUE_SOON_DAYS'),
    },
  };
  if (!config.push.vapidPublicKey !== !config.push.vapidPrivateKey) {
    problems.push(
      'VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY must be set together (or neither, to keep a generated pair in DATA_DIR)',
    );
  }
  if (env === 'production' && !config.jwtSecret) {
    problems.push('JWT_SECRET is required when NODE_ENV=production (at least 32 characters)');
  }
  if (config.refreshTokenMaxDays < config.refreshTokenTtlDays) {
    problems.push('REFRESH_TOKEN_MAX_DAYS must be at least REFRESH_TOKEN_TTL_DAYS');
  }
  if (env === 'production' && !config.databaseUrl) {
    problems.push('DATABASE_URL is required when NODE_ENV=production');
  }
  if (config.databaseReplicaUrls.length && !config.databaseUrl) {
    problems.push('DATABASE_REPLICA_URLS needs DATABASE_URL (replicas stream from a primary you run)');
  }
  if (config.webConcurrency > 1 && !config.databaseUrl) {
    problems.push('WEB_CONCURRENCY above 1 needs DATABASE_URL (the embedded PostgreSQL serves one process)');
  }
  if (config.metrics.port && config.metrics.port === config.port) {
    problems.push('METRICS_PORT must differ from PORT');
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}
