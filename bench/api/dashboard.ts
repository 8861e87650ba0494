/**
 * npm run bench:dashboard -- [--runs N] [--freshness N] [--database-url URL]
 *
 * The committee dashboard's queries through the real GraphQL API, for the nation (a central leader)
 * and one province (its leader): each query alone, and the whole dashboard as one request; the
 * warnings' reads beside the same reads in plain SQL; and the warnings' freshness: a task edit
 * committed → visible in the nation's warning counts, with the derived-data worker running.
 */
import pg from 'pg';
import { addDays, localDay } from '../../server/src/common/dates.js';
import { subtreePattern } from '../../server/src/modules/organisations/unit-path.js';
import {
  argNumber,
  benchDatabaseUrl,
  describeRun,
  gql,
  printTable,
  startApi,
  statCells,
  stats,
  timeRuns,
} from '../lib/harness.js';

const PARTS: Record<string, string> = {
  summary: `analyticsSummary { total averageProgress completionRate onTimeRate lateCompletionRate byStatus { status count } indicators { count withValue achieved averageAchievement } }`,
  'drill-down by child unit': `analyticsByChild { own unit { id name } summary { total averageProgress completionRate onTimeRate byStatus { status count } } }`,
  'trend (12 weeks)': `analyticsTrend(weeks: 12) { weekStart reportsReceived reportsWithObstacles completedOnTime completedLate }`,
  'unit ranking': `unitRanking { rank own unit { id name } score { rated doneWell done notDone onTimeRate formula } }`,
  'warnings (first 20)': `warnings(first: 20) { totalCount nodes { id kind severity messageVi task { id title } } }`,
  'warning counts by kind': `warningCounts { kind count }`,
  'sync health': `syncHealth { own unit { id name } reports lateArrivals averageLagHours maxLagHours lastReceivedAt }`,
};

const databaseUrl = benchDatabaseUrl();
const runs = argNumber('runs', 10);
// --skip "warnings (first 20)" leaves out a query too slow to repeat on this data set.
const skip = process.argv.flatMap((a, i) => (process.argv[i - 1] === '--skip' ? [a] : []));
for (const name of skip) delete PARTS[name];
const freshnessSamples = argNumber('freshness', 20);
await describeRun(
  databaseUrl,
  `npm run bench:dashboard -- --runs ${runs} --freshness ${freshnessSamples}${skip.map((s) => ` --skip "${s}"`).join('')}`,
);
const api = await startApi(databaseUrl);
// Whatever the worker has not applied yet (after an upgrade: every task's first warning facts).
const drainStarted = performance.now();
await api.app.derived.drain();
console.log(`derived worker caught up in ${Math.round(performance.now() - drainStarted)} ms before the runs`);
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
// Statistics for tables the worker just filled, as autovacuum gives them within a minute or so;
// without them the planner scans a subtree's facts instead of walking the ordered index.
await pool.query(`analyze warning_fact, warning_fact_count`);
const lines: Record<string, unknown>[] = [];
const r1 = (n: number) => +n.toFixed(1);

/** The warnings' reads in plain SQL, as WarningService runs them (first page of 20, the total, the counts). */
async function rawWarnings(unitId: string, part: string): Promise<void> {
  const unitPath = (await pool.query<{ path: string }>(`select path from unit where id = $1`, [unitId])).rows[0]!.path;
  if (part === 'warning counts by kind') {
    await pool.query(`select kind, n from warning_fact_count where unit_path = $1 and res_key is null`, [unitPath]);
    return;
  }
  const [{ rows }] = await Promise.all([
    pool.query<{ task_id: string }>(
      `select wid, kind, severity, task_id, unit_id, to_char(due_key, 'YYYY-MM-DD') due_key, n, oldest from warning_fact w
        where unit_path like $1 and all_res order by w.severity desc, w.due_key, w.wid limit 21`,
      [subtreePattern(unitPath)],
    ),
    pool.query(`select coalesce(sum(n), 0)::int total from warning_fact_count where unit_path = $1 and res_key is null`, [
      unitPath,
    ]),
  ]);
  const ids = `{${rows.map((r) => r.task_id).join(',')}}`;
  await Promise.all([
    pool.query(
      `select id, title, state, due_on, start_on, progress, last_report_at, created_at, lead_unit_id from task where id = any($1::uuid[])`,
      [ids],
    ),
    pool.query(
      `select distinct on (r.task_id) r.task_id, r.state, r.has_obstacles, r.obstacles, r.received_at, r.reviewed_at, r.review_comment
         from progress_report r where r.task_id = any($1::uuid[]) order by r.task_id, r.received_at desc, r.id desc`,
      [ids],
    ),
    pool.query(`select r.task_id, r.written_at, r.percent from progress_report r where r.task_id = any($1::uuid[])`, [ids]),
  ]);
}

const rows: (string | number)[][] = [];
for (const [scope, username] of [
  ['nation', 'lanhdao.tw'],
  ['province', 'lanhdao.lamdong'],
] as const) {
  const token = await api.tokenFor(username);
  const [{ unit_id: unitId }] = (
    await pool.query<{ unit_id: string }>(`select unit_id from account where username = $1`, [username])
  ).rows as [{ unit_id: string }];
  const whole = `{ ${Object.values(PARTS).join('\n')} }`;
  const record = (name: string, ms: number[], raw?: number[]) => {
    const s = stats(ms);
    const r = raw ? stats(raw) : null;
    rows.push([
      scope,
      name,
      String(ms.length),
      ...statCells(ms),
      r ? r.median : '—',
      r ? `${(s.median / r.median).toFixed(2)}×` : '—',
    ]);
    lines.push({
      bench: 'dashboard',
      scope,
      query: name.replace(/\*/g, ''),
      runs: ms.length,
      median_ms: r1(s.median),
      p95_ms: r1(s.p95),
      ...(r ? { raw_median_ms: r1(r.median), raw_p95_ms: r1(r.p95), ratio: +(s.median / r.median).toFixed(2) } : {}),
    });
  };
  for (const [name, part] of Object.entries(PARTS)) {
    const ms = await timeRuns(() => gql(api, `{ ${part} }`, {}, token), runs, 1);
    const raw = name.startsWith('warning') ? await timeRuns(() => rawWarnings(unitId, name), runs, 1) : undefined;
    record(name, ms, raw);
  }
  record('**whole dashboard, one request**', await timeRuns(() => gql(api, whole, {}, token), runs, 1));
}
printTable(
  `Dashboard queries (${runs} runs each, ms; raw: the same reads in plain SQL, median)`,
  ['scope', 'query', 'runs', 'min', 'median', 'p95', 'max', 'raw median', 'GraphQL ÷ raw'],
  rows,
);

// Freshness: a committed edit that makes (then unmakes) an overdue task, until the nation's counts show it.
const nation = await api.tokenFor('lanhdao.tw');
const overdueCount = async () =>
  (
    (await gql(api, `{ warningCounts { kind count } }`, {}, nation)).json!.data as {
      warningCounts: { kind: string; count: number }[];
    }
  ).warningCounts.find((c) => c.kind === 'OVERDUE')!.count;
const today = localDay();
const { rows: quiet } = await pool.query<{ id: string; due_on: string }>(
  `select t.id, to_char(t.due_on, 'YYYY-MM-DD') due_on from task t
    where t.state = 'OPEN' and t.due_on > $1::date + 60 order by t.id limit $2`,
  [today, Math.ceil(freshnessSamples / 2)],
);
const fresh: number[] = [];
for (const task of quiet) {
  for (const [due, delta] of [
    [addDays(today, -1), 1],
    [task.due_on, -1],
  ] as const) {
    const before = await overdueCount();
    const started = performance.now();
    await pool.query(`update task set due_on = $1::date where id = $2`, [due, task.id]);
    const deadline = started + 120_000;
    while ((await overdueCount()) !== before + delta && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    fresh.push(performance.now() - started);
  }
}
if (fresh.length) {
  const s = stats(fresh);
  printTable(
    `Warnings freshness: task edit committed → visible in the nation's warning counts (${fresh.length} edits, ms)`,
    ['samples', 'min', 'median', 'p95', 'max'],
    [[String(fresh.length), ...statCells(fresh)]],
  );
  lines.push({
    bench: 'dashboard',
    case: 'warnings freshness',
    samples: fresh.length,
    median_ms: r1(s.median),
    p95_ms: r1(s.p95),
    max_ms: r1(s.max),
  });
}
console.log('');
for (const line of lines) console.log(`BENCH ${JSON.stringify(line)}`);
await pool.end();
await api.close();
