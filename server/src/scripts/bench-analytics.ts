// npx tsx src/scripts/bench-analytics.ts [--database-url URL] [--runs N]
// Times the committee dashboard service methods for the nation (root unit) and the province
// with the most tasks, warm, and prints median and p95 in milliseconds.
import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig } from '../config.js';
import { ormOptions } from '../db/orm.js';
import { Unit } from '../modules/organisations/unit.entity.js';
import { AnalyticsService } from '../modules/analytics/analytics.service.js';
import { WarningKind } from '../modules/warnings/warning-rules.js';
import { WarningOrder, WarningService } from '../modules/warnings/warning.service.js';
import type { Viewer } from '../modules/scope/viewer.js';
import { Role } from '../modules/accounts/role.js';

const argv = process.argv.slice(2);
const arg = (name: string) => (argv.indexOf(`--${name}`) >= 0 ? argv[argv.indexOf(`--${name}`) + 1] : undefined);
const url = arg('database-url') ?? 'postgres://postgres@127.0.0.1:5432/resolute_national';
const runs = Number(arg('runs') ?? 15);
const only = arg('only');

const orm = await MikroORM.init({ ...ormOptions(url), debug: false });
const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url });
const analytics = new AnalyticsService();
const warnings = new WarningService(config.warnings);

const em = () => orm.em.fork();
const root = await em().findOneOrFail(Unit, { depth: 0 }, { orderBy: { seq: 'asc' } });
const [{ path: provincePath }] = await em()
  .getConnection()
  .execute<{ path: string }[]>(
    `select u.path from unit u where u.depth = 1 and u.kind = 'PROVINCE'
      order by (select coalesce(sum(n), 0) from task_rollup r where r.unit_path = u.path) desc limit 1`,
  );
const province = await em().findOneOrFail(Unit, { path: provincePath });
const [{ resolution_id: resolutionId }] = await em()
  .getConnection()
  .execute<{ resolution_id: string }[]>(`select resolution_id from task group by 1 order by count(*) desc limit 1`);

const viewerAt = (u: Unit): Viewer => ({
  accountId: '00000000-0000-0000-0000-000000000000',
  username: 'bench',
  displayName: 'bench',
  unitId: u.id,
  unitPath: u.path,
  roles: [Role.LEADER],
  mustChangePassword: false,
  familyId: '',
});

async function time(fn: () => Promise<unknown>): Promise<{ median: number; p95: number }> {
  await fn();
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)], p95: ms[Math.min(ms.length - 1, Math.ceil(ms.length * 0.95) - 1)] };
}

const page = { first: 50, after: null };
const cases: [string, (v: Viewer, u: Unit, r: string | null) => Promise<unknown>][] = [
  ['summary', (v, u, r) => analytics.summary(em(), v, u.id, r)],
  ['byChild', (v, u, r) => analytics.byChild(em(), v, u.id, r)],
  ['trend(12)', (v, u, r) => analytics.trend(em(), v, u.id, r, 12)],
  ['ranking', (v, u, r) => analytics.ranking(em(), v, u.id, r, null)],
  ['syncHealth(4)', (v, u, r) => analytics.syncHealth(em(), v, u.id, r, 4)],
  [
    'dashboard (all five)',
    (v, u, r) =>
      Promise.all([
        analytics.summary(em(), v, u.id, r),
        analytics.byChild(em(), v, u.id, r),
        analytics.trend(em(), v, u.id, r, 12),
      ]),
  ],
  ...Object.values(WarningKind).map(
    (k) =>
      [
        `warnings ${k}`,
        (v: Viewer, u: Unit, r: string | null) =>
          warnings.list(em(), v, { unitId: u.id, resolutionId: r, kinds: [k], orderBy: WarningOrder.SEVERITY }, page),
      ] as [string, (v: Viewer, u: Unit, r: string | null) => Promise<unknown>],
  ),
  [
    'warnings all kinds',
    (v, u, r) => warnings.list(em(), v, { unitId: u.id, resolutionId: r, kinds: null, orderBy: WarningOrder.SEVERITY }, page),
  ],
];

console.log(`database ${url.replace(/\/\/.*@/, '//')}; runs ${runs}; province ${province.name}`);
console.log('case | scope | resolution | median ms | p95 ms');
for (const [name, fn] of cases) {
  if (only && !name.includes(only)) continue;
  for (const [label, unit] of [
    ['nation', root],
    ['province', province],
  ] as const) {
    for (const r of [null, resolutionId]) {
      const { median, p95 } = await time(() => fn(viewerAt(unit), unit, r));
      console.log(`${name} | ${label} | ${r ? 'one' : 'all'} | ${median.toFixed(1)} | ${p95.toFixed(1)}`);
    }
  }
}
await orm.close(true);
