/**
 * What every benchmark shares: the real app on a real port against the bench database, a bare
 * HTTP server doing the same reads as raw SQL, timing with warm-up, and the printed table.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { execSync } from 'node:child_process';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { createApp, type App } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { createLogger } from '../../server/src/common/logger.js';
import { openDatabase, ormOptions } from '../../server/src/db/orm.js';
import { Account } from '../../server/src/modules/accounts/account.entity.js';
import { TokenSigner } from '../../server/src/modules/accounts/tokens.js';

export const DEFAULT_BENCH_DB = 'postgres://postgres@127.0.0.1:5432/resolute_national';

export function benchDatabaseUrl(argv = process.argv.slice(2)): string {
  const i = argv.indexOf('--database-url');
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : (process.env.BENCH_DATABASE_URL ?? DEFAULT_BENCH_DB);
}

export function argNumber(name: string, fallback: number, argv = process.argv.slice(2)): number {
  const i = argv.indexOf(`--${name}`);
  const n = i >= 0 ? Number(argv[i + 1]) : NaN;
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export interface Api {
  url: string;
  app: App;
  orm: MikroORM;
  secret: string;
  /** A signed-in access token for an existing account, as the sign-in mutation would give. */
  tokenFor(username: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real application (production settings, logs off) listening on a free port; `queryLogger`
 * receives every statement with its time (see statement-timer.ts).
 */
export async function startApi(databaseUrl: string, queryLogger?: ReturnType<typeof createLogger>): Promise<Api> {
  // Migrations first, exactly as the app does on start.
  await (await openDatabase(databaseUrl)).close(true);
  const secret = randomBytes(32).toString('hex');
  // The worker's batch interval may be set for a run, as in production.
  const interval = process.env.DERIVED_BATCH_INTERVAL_MS;
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: secret,
    LOG_LEVEL: 'silent',
    ...(interval === undefined ? {} : { DERIVED_BATCH_INTERVAL_MS: interval }),
  });
  const orm = await MikroORM.init(ormOptions(databaseUrl, queryLogger));
  const app = await createApp({ config, orm, logger: createLogger('silent'), secret });
  const server = http.createServer(app.express);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    app,
    orm,
    secret,
    async tokenFor(username) {
      const em = orm.em.fork();
      const account = await em.findOneOrFail(Account, { username });
      return (await app.services.auth.startSession(em, account, 'bench')).accessToken;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.stop();
      await orm.close(true);
    },
  };
}

/** Tables the derived worker fills or drains, that autovacuum would have visited on a live database. */
const WORKER_TABLES = [
  'warning_fact',
  'warning_fact_count',
  'warning_clock',
  'review_clock',
  'derived_change',
  'audit_unsealed',
  'task_report_state',
];

/**
 * Lets the worker apply what it has not (after an upgrade: every task's first warning facts),
 * then vacuums and analyzes the tables it wrote, as autovacuum does within a minute or so on a
 * live database. The bench machines run PostgreSQL with autovacuum off: without this the planner
 * keeps the statistics of the tables before the worker filled them, and scans them whole.
 */
export async function settle(api: Api): Promise<number> {
  const started = performance.now();
  await api.app.derived.drain();
  await api.orm.em.getConnection().execute(`vacuum analyze ${WORKER_TABLES.join(', ')}`);
  return performance.now() - started;
}

export interface RawContext {
  pool: pg.Pool;
  body: Record<string, unknown>;
  /** The viewer behind the bearer token, by the same query the app runs. */
  viewer: { id: string; unitPath: string; unitId: string; roles: string[] };
}

/**
 * The baseline: a bare `http` server and a `pg` pool, no framework, no ORM, no GraphQL. It checks
 * the token and loads the viewer like the app does, then runs the handler's hand-written SQL.
 */
export async function startRaw(
  databaseUrl: string,
  secret: string,
  routes: Record<string, (ctx: RawContext) => Promise<unknown>>,
): Promise<{ url: string; close(): Promise<void> }> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  const tokens = new TokenSigner(secret, 900);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      try {
        const route = routes[req.url ?? ''];
        if (!route) {
          res.writeHead(404).end();
          return;
        }
        const claims = await tokens.verify(String(req.headers.authorization ?? '').replace(/^Bearer /, ''));
        const { rows } = await pool.query(
          `select a.id, a.roles, u.id as unit_id, u.path from account a join unit u on u.id = a.unit_id
            where a.id = $1 and a.disabled_at is null and u.active
              and exists (select 1 from refresh_token r where r.family_id = $2 and r.account_id = a.id and r.revoked_at is null)`,
          [claims.accountId, claims.familyId],
        );
        if (!rows[0]) {
          res.writeHead(401).end();
          return;
        }
        const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
        const data = await route({
          pool,
          body,
          viewer: { id: rows[0].id, roles: rows[0].roles, unitId: rows[0].unit_id, unitPath: rows[0].path },
        });
        const json = JSON.stringify({ data });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) }).end(json);
      } catch (error) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}

export interface Reply {
  status: number;
  bytes: number;
  json: { data?: unknown; errors?: { message: string }[] } | null;
}

/** POSTs JSON and reads the whole answer; `bytes` is the body as it came over the wire. */
export async function post(url: string, body: unknown, token?: string, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify(body),
  });
  const buf = Buffer.from(await res.arrayBuffer());
  const parse = (): Reply['json'] => {
    try {
      return JSON.parse(buf.toString('utf8')) as Reply['json'];
    } catch {
      return null;
    }
  };
  return { status: res.status, bytes: buf.length, json: parse() };
}

/** POSTs a GraphQL operation and fails loudly on errors, so a broken query never times as fast. */
export async function gql(
  api: Api,
  query: string,
  variables: Record<string, unknown>,
  token: string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const reply = await post(`${api.url}/graphql`, { query, variables }, token, headers);
  if (reply.status !== 200 || reply.json?.errors?.length)
    throw new Error(`GraphQL failed (${reply.status}): ${JSON.stringify(reply.json?.errors ?? reply.json)}`);
  return reply;
}

/**
 * Runs `fn` `warmup` times untimed, then `runs` times; the wall times in milliseconds. A slow
 * operation stops early once `budgetMs` is spent (at least one timed run), so one pathological
 * query cannot hold the whole benchmark; the number of runs shows in the table.
 */
export async function timeRuns(fn: () => Promise<unknown>, runs: number, warmup = 2, budgetMs = 60_000): Promise<number[]> {
  const start = performance.now();
  for (let i = 0; i < warmup && performance.now() - start < budgetMs / 4; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs && (i === 0 || performance.now() - start < budgetMs); i++) {
    const t = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return ms;
}

export interface Stats {
  min: number;
  median: number;
  p95: number;
  max: number;
}

export function stats(ms: number[]): Stats {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
  return {
    min: s[0]!,
    median: s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2,
    p95: at(0.95),
    max: s[s.length - 1]!,
  };
}

const f1 = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

/** Prints rows as a Markdown table (pasted as is into bench/RESULTS.md). */
export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  console.log(`\n### ${title}\n`);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`| ${header.map((h, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
  for (const r of rows) console.log(`| ${r.map((c) => (typeof c === 'number' ? f1(c) : c)).join(' | ')} |`);
}

export function statCells(ms: number[]): number[] {
  const s = stats(ms);
  return [s.min, s.median, s.p95, s.max];
}

/** The machine and the data behind the figures, printed above every table. */
export async function describeRun(databaseUrl: string, command: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query<Record<string, string>>(
    `select (select count(*) from unit) as units, (select count(*) from account) as accounts,
            (select reltuples::bigint from pg_class where relname = 'task') as tasks,
            (select reltuples::bigint from pg_class where relname = 'progress_report') as reports, version() as pg`,
  );
  await client.end();
  const free = execSync('free -h').toString().split('\n')[1]!.split(/\s+/)[1];
  const r = rows[0]!;
  console.log(`date: ${new Date().toISOString()}`);
  console.log(
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${free} memory, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    `database: ${databaseUrl.replace(/:[^:@/]*@/, ':***@')} — ${r.units} units, ${r.accounts} accounts, ~${r.tasks} tasks, ~${r.reports} reports; ${r.pg!.split(' on ')[0]}`,
  );
  console.log(`command: ${command}`);
}

const r2 = (n: number) => Math.round(n * 100) / 100;

/**
 * One `BENCH {json}` line's fields for a case timed through GraphQL (`graphql`) and as raw SQL
 * (`raw`) in the same run: median and p95 of each and the GraphQL ÷ raw ratio of the medians.
 */
export function ratioLine(fields: Record<string, unknown>, graphql: number[], raw: number[]): Record<string, unknown> {
  const g = stats(graphql);
  const s = stats(raw);
  return {
    ...fields,
    runs: graphql.length,
    graphql_p50_ms: r2(g.median),
    graphql_p95_ms: r2(g.p95),
    raw_p50_ms: r2(s.median),
    raw_p95_ms: r2(s.p95),
    ratio: r2(g.median / s.median),
  };
}

/** Prints the lines after the tables, one `BENCH {json}` per case. */
export function printBenchLines(lines: Record<string, unknown>[]): void {
  console.log('');
  for (const line of lines) console.log(`BENCH ${JSON.stringify(line)}`);
}
