/**
 * npm run bench:dashboard -- [--runs N] [--freshness N] [--push-devices D [--push-rate R] [--push-batch B]]
 *                            [--database-url URL]
 *
 * The committee dashboard's queries through the real GraphQL API for a viewer at every level (the
 * nation's leader, a province's, a commune's, an officer of a cell): each query alone and the whole
 * dashboard as one request, each beside the same reads in plain SQL behind a bare HTTP server
 * (bench/api/dashboard-raw.ts); and the warnings' freshness: a task edit committed → visible in
 * the nation's warning counts, with the derived-data worker running, and with `--push-devices`
 * while that many devices push reports (bench:push's load: B reports a request, R requests a
 * second each, or back to back).
 */
import pg from 'pg';
import { addDays, localDay } from '../../server/src/common/dates.js';
import {
  argNumber,
  benchDatabaseUrl,
  describeRun,
  gql,
  post,
  printTable,
  startApi,
  settle,
  startRaw,
  statCells,
  stats,
  timeRuns,
} from '../lib/harness.js';
import { officerSessions, pct, startLoad } from '../lib/push-gen.js';
import { RAW_PARTS, rawWholeDashboard } from './dashboard-raw.js';

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
const pushDevices = process.argv.includes('--push-devices') ? argNumber('push-devices', 0) : 0;
const pushRate = process.argv.includes('--push-rate') ? argNumber('push-rate', 0) : 0;
const pushBatch = argNumber('push-batch', 1);
const pushArgs = pushDevices ? ` --push-devices ${pushDevices} --push-rate ${pushRate} --push-batch ${pushBatch}` : '';
await describeRun(
  databaseUrl,
  `npm run bench:dashboard -- --runs ${runs} --freshness ${freshnessSamples}${pushArgs}${skip.map((s) => ` --skip "${s}"`).join('')}`,
);
const api = await startApi(databaseUrl);
console.log(`derived worker caught up, its tables vacuumed, in ${Math.round(await settle(api))} ms before the runs`);
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
const lines: Record<string, unknown>[] = [];
const r1 = (n: number) => +n.toFixed(1);

const raw = await startRaw(databaseUrl, api.secret, {
  ...Object.fromEntries(Object.entries(RAW_PARTS).map(([name, route]) => [`/${encodeURIComponent(name)}`, route])),
  '/whole': rawWholeDashboard,
});
const rawCall = (path: string, token: string) => async () => {
  const reply = await post(`${raw.url}${path}`, {}, token);
  if (reply.status !== 200) throw new Error(`raw ${path} failed (${reply.status})`);
};

// The leader of the nation and of Lâm Đồng, of its first commune, and an officer of that commune's first cell.
const [commune] = (
  await pool.query<{ id: string }>(
    `select u.id from unit u where u.kind = 'COMMUNE' and u.path like (select path || '%' from unit where code = 'P-LAMDONG') order by u.seq limit 1`,
  )
).rows;
const viewerOf = async (sql: string, params: unknown[]) =>
  (await pool.query<{ username: string }>(sql, params)).rows[0]?.username;
const viewers: [string, string | undefined][] = [
  ['nation', 'lanhdao.tw'],
  ['province', 'lanhdao.lamdong'],
  [
    'commune',
    await viewerOf(`select username from account where unit_id = $1 and 'LEADER' = any(roles) order by username limit 1`, [
      commune?.id,
    ]),
  ],
  [
    'cell',
    await viewerOf(
      `select a.username from account a join unit u on u.id = a.unit_id where u.parent_id = $1 and a.disabled_at is null
        order by u.seq, a.username limit 1`,
      [commune?.id],
    ),
  ],
];
if (viewers.some(([, u]) => !u)) throw new Error('the bench database has no data set; run npm run bench:data first');

const rows: (string | number)[][] = [];
for (const [scope, username] of viewers as [string, string][]) {
  const token = await api.tokenFor(username);
  const whole = `{ ${Object.values(PARTS).join('\n')} }`;
  const record = (name: string, ms: number[], rawMs: number[]) => {
    const s = stats(ms);
    const r = stats(rawMs);
    rows.push([scope, name, String(ms.length), ...statCells(ms), r.median, r.p95, `${(s.median / r.median).toFixed(2)}×`]);
    lines.push({
      bench: 'dashboard',
      viewer: scope,
      query: name.replace(/\*/g, ''),
      runs: ms.length,
      median_ms: r1(s.median),
      p95_ms: r1(s.p95),
      raw_median_ms: r1(r.median),
      raw_p95_ms: r1(r.p95),
      ratio: +(s.median / r.median).toFixed(2),
    });
  };
  for (const [name, part] of Object.entries(PARTS)) {
    const ms = await timeRuns(() => gql(api, `{ ${part} }`, {}, token), runs, 2);
    record(name, ms, await timeRuns(rawCall(`/${encodeURIComponent(name)}`, token), runs, 2));
  }
  record(
    '**whole dashboard, one request**',
    await timeRuns(() => gql(api, whole, {}, token), runs, 2),
    await timeRuns(rawCall('/whole', token), runs, 2),
  );
}
printTable(
  `Dashboard queries (${runs} runs each, ms; raw: the same reads in plain SQL behind a bare HTTP server)`,
  ['viewer', 'query', 'runs', 'min', 'median', 'p95', 'max', 'raw median', 'raw p95', 'GraphQL ÷ raw (median)'],
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
// The push load runs from the first edit to the last answer seen.
const pushLoad = pushDevices
  ? startLoad({
      url: `${api.url}/graphql`,
      sessions: await officerSessions(api, pushDevices),
      batch: pushBatch,
      format: 'graphql',
      rate: pushRate,
    })
  : null;
if (pushLoad) api.app.derived.recordLags = true;
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
pushLoad?.stop();
const pushed = await pushLoad?.done;
const lags = api.app.derived.lags.map((s) => s * 1000).sort((a, b) => a - b);
api.app.derived.recordLags = false;
if (fresh.length) {
  const s = stats(fresh);
  const under = pushed
    ? `, while ${pushDevices} devices pushed ${Math.round(pushed.applied / (pushed.ms / 1000))} reports/s (${pushed.errors} errors)`
    : ', no push load';
  printTable(
    `Warnings freshness: task edit committed → visible in the nation's warning counts (${fresh.length} edits, ms${under})`,
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
    ...(pushed
      ? {
          push_devices: pushDevices,
          push_rate: pushRate,
          push_batch: pushBatch,
          push_applied_per_s: Math.round(pushed.applied / (pushed.ms / 1000)),
          push_errors: pushed.errors,
          lag_p95_ms: Math.round(pct(lags, 95)),
        }
      : {}),
  });
}
console.log('');
for (const line of lines) console.log(`BENCH ${JSON.stringify(line)}`);
await pool.end();
await raw.close();
await api.close();
