/**
 * npm run bench:push-profile -- [--entries N] [--database-url URL]
 *
 * Where the time of one push goes: a cell officer pushes N new reports in one syncPush, with
 * every SQL statement the app sends timed (trigger work counts in its statement). Prints the
 * statements grouped by shape, the slowest first.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import { createApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { createLogger } from '../../server/src/common/logger.js';
import { openDatabase, ormOptions } from '../../server/src/db/orm.js';
import { Account } from '../../server/src/modules/accounts/account.entity.js';
import { argNumber, benchDatabaseUrl, describeRun, printTable } from '../lib/harness.js';
import { STATEMENT_COLUMNS, statementGroups, statementTimer } from '../lib/statement-timer.js';
import { PROTOCOL_VERSION } from './sync-queries.js';

const databaseUrl = benchDatabaseUrl();
const entries = argNumber('entries', 50);
await describeRun(databaseUrl, `npm run bench:push-profile -- --entries ${entries}`);
await (await openDatabase(databaseUrl)).close(true);

const timer = statementTimer();
const { timings } = timer;

const secret = 'p'.repeat(40);
const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: databaseUrl, JWT_SECRET: secret, LOG_LEVEL: 'silent' });
const orm = await MikroORM.init(ormOptions(databaseUrl, timer.logger));
const app = await createApp({ config, orm, logger: createLogger('silent'), secret });
const db = orm.em.getConnection();

const [officer] = await db.execute<{ username: string; task_id: string }[]>(
  `select 'canbo.' || lower(u.code) as username, t.id as task_id
     from unit u join task t on t.lead_unit_id = u.id
    where u.kind = 'CELL' and t.state = 'OPEN' and not exists (select 1 from task c where c.parent_id = t.id)
    order by t.id limit 1`,
);
if (!officer) throw new Error('no open task of a cell; run npm run bench:data first');
const em = orm.em.fork();
const account = await em.findOneOrFail(Account, { username: officer.username });
const token = (await app.services.auth.startSession(em, account, 'bench')).accessToken;
const viewer = await app.services.viewers.fromToken(orm.em.fork(), token);

const input = () => ({
  protocolVersion: PROTOCOL_VERSION,
  clientId: randomUUID(),
  entries: Array.from({ length: entries }, (_, i) => ({
    id: randomUUID(),
    kind: 'CREATE_REPORT',
    createdAt: new Date(),
    createReport: {
      reportId: randomUUID(),
      taskId: officer.task_id,
      percent: 10 + (i % 80),
      hasObstacles: false,
      writtenAt: new Date(),
    },
  })),
});

// One warm-up push, then the measured one.
await app.services.sync.push(orm.em.fork(), viewer, input() as never);
timer.start();
const started = performance.now();
const result = await app.services.sync.push(orm.em.fork(), viewer, input() as never);
const total = performance.now() - started;
timer.stop();

const applied = result.results.filter((r) => r.status === 'APPLIED').length;
const sqlMs = timings.reduce((s, t) => s + t.ms, 0);
console.log(
  `\n${entries} entries, ${applied} applied: ${total.toFixed(0)} ms in all (${(total / entries).toFixed(1)} ms per entry); ` +
    `${timings.length} statements, ${sqlMs.toFixed(0)} ms inside PostgreSQL round trips\n`,
);
printTable('Statements of one push, slowest first', STATEMENT_COLUMNS, statementGroups(timings));
await app.stop();
await orm.close(true);
