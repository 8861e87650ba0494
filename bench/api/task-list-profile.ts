/**
 * npm run bench:task-list-profile -- [--runs N] [--username U] [--overdue]
 *
 * Where one task-list page's time goes through GraphQL: every SQL statement of a page with its
 * time (MikroORM's own timing), against the wall time of the whole request.
 */
import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MikroORM } from '@mikro-orm/postgresql';
import { createApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { createLogger } from '../../server/src/common/logger.js';
import { openDatabase, ormOptions } from '../../server/src/db/orm.js';
import { Account } from '../../server/src/modules/accounts/account.entity.js';
import { argNumber, benchDatabaseUrl, describeRun, post, printTable, stats } from '../lib/harness.js';
import { statementTimer } from '../lib/statement-timer.js';

const databaseUrl = benchDatabaseUrl();
const runs = argNumber('runs', 20);
const i = process.argv.indexOf('--username');
const username = i > 0 ? process.argv[i + 1]! : 'lanhdao.c-lamdong-1';
const overdue = process.argv.includes('--overdue');
await describeRun(
  databaseUrl,
  `npm run bench:task-list-profile -- --runs ${runs} --username ${username}${overdue ? ' --overdue' : ''}`,
);
await (await openDatabase(databaseUrl)).close(true);

const timer = statementTimer();
const { timings } = timer;

const secret = 'p'.repeat(40);
const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: databaseUrl, JWT_SECRET: secret, LOG_LEVEL: 'silent' });
const orm = await MikroORM.init(ormOptions(databaseUrl, timer.logger));
const app = await createApp({ config, orm, logger: createLogger('silent'), secret });
const server = http.createServer(app.express);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
const em = orm.em.fork();
const token = (await app.services.auth.startSession(em, await em.findOneOrFail(Account, { username }), 'bench')).accessToken;

const QUERY = `{ tasks(first: 50${overdue ? ', filter: { status: [OVERDUE] }' : ''}) { totalCount pageInfo { endCursor hasNextPage }
  nodes { id title status progress dueOn priority leadUnit { id name } indicators { id name target currentValue }
          latestReport { id percent state receivedAt } } } }`;
for (let w = 0; w < 3; w++) await post(url, { query: QUERY }, token);
const wall: number[] = [];
const perRun: { sql: string; ms: number }[][] = [];
for (let r = 0; r < runs; r++) {
  timer.start();
  const t0 = performance.now();
  const reply = await post(url, { query: QUERY }, token);
  wall.push(performance.now() - t0);
  timer.stop();
  if (reply.json?.errors) throw new Error(JSON.stringify(reply.json.errors));
  perRun.push([...timings]);
}
const byStatement = new Map<string, number[]>();
for (const run of perRun)
  for (const { sql, ms } of run) {
    const key = sql.replace(/'[^']*'/g, '?').slice(0, 110);
    byStatement.set(key, [...(byStatement.get(key) ?? []), ms]);
  }
printTable(
  `One page for ${username}, ${runs} runs (ms)`,
  ['statement', 'per page', 'median ms'],
  [
    ...[...byStatement].map(([sql, ms]) => [`\`${sql}\``, (ms.length / runs).toFixed(1), stats(ms).median]),
    ['**sum of statements, median page**', '', stats(perRun.map((r) => r.reduce((a, b) => a + b.ms, 0))).median],
    ['**wall time of the request, median**', '', stats(wall).median],
  ],
);
server.closeAllConnections();
await new Promise<void>((resolve) => server.close(() => resolve()));
await app.stop();
await orm.close(true);
