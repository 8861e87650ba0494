import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { DestinationStream } from 'pino';
import { inject } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/common/logger.js';
import { ormOptions } from '../../src/db/orm.js';
import type { VapidKeys } from '../../src/db/secret.js';
import { withDatabase } from '../global-setup.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; field?: string; [k: string]: unknown } }[];
}

export interface TestApp {
  app: App;
  orm: MikroORM;
  config: Config;
  url: string;
  databaseUrl: string;
  /** The token secret, for a second app on the same database. */
  secret: string;
  /** A fresh EntityManager for arranging and checking data directly. */
  em(): EntityManager;
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
    /** `drain: false` leaves the derived worker alone around this request (statement counts). */
    options?: { drain?: boolean },
  ): Promise<GraphQLResponse<T>>;
  /** Applies every pending derived change now (the worker would within a second). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** A fresh copy of the migrated template database for one test file. */
export async function createTestDatabase(): Promise<string> {
  const adminUrl = inject('adminUrl');
  const template = inject('templateDb');
  const name = `${template.replace('tpl', `t${randomBytes(4).toString('hex')}`)}`;
  const admin = new pg.Client({ connectionString: withDatabase(adminUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`create database "${name}" template "${template}"`);
  } finally {
    await admin.end();
  }
  return withDatabase(adminUrl, name);
}

/**
 * The real app on a real port against its own database, or against `databaseUrl` when given (a
 * second process on the same database, with the first one's `secret`); `logs` receives its log lines.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  options: { logs?: DestinationStream; databaseUrl?: string; secret?: string; vapid?: VapidKeys } = {},
): Promise<TestApp> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, DATA_DIR: '/tmp/resolute-test-data', ...env });
  const orm = await MikroORM.init(ormOptions(databaseUrl));
  const logger = createLogger(config.logLevel, { destination: options.logs });
  const secret = options.secret ?? randomBytes(32).toString('hex');
  const app = await createApp({ config, orm, logger, secret, vapid: options.vapid });
  const server = http.createServer(app.express);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    app,
    orm,
    config,
    url,
    databaseUrl,
    secret,
    em: () => orm.em.fork(),
    async gql(query, variables, token, options = {}) {
      // Derived figures trail a write by design (factories write straight to the tables too);
      // tests read them as the worker leaves them once it has caught up.
      if (options.drain !== false) await app.derived.drain();
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as GraphQLResponse<never>;
      if (options.drain !== false && /^\s*mutation\b/.test(query)) await app.derived.drain();
      return body;
    },
    drain: () => app.derived.drain(),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.stop();
      await orm.close(true);
    },
  };
}

/** The data of a response that must have succeeded; fails the test with the errors otherwise. */
export function ok<T>(res: GraphQLResponse<T>): T {
  if (res.errors?.length || !res.data) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
  return res.data;
}

/** The code of the first error of a response that must have failed. */
export function errorCode(res: GraphQLResponse): string | undefined {
  if (!res.errors?.length) throw new Error(`expected an error, got ${JSON.stringify(res.data)}`);
  return res.errors[0]!.extensions?.code;
}
