/**
 * npm run bench:api -- [--runs N] [--database-url URL]
 *
 * The task list (first page of 50, with lead unit, indicators and latest report) through the real
 * GraphQL API against the same reads as hand-written SQL behind a bare HTTP endpoint, for a national,
 * a province, a commune and a cell viewer: unfiltered, filtered to overdue work, and the plan
 * screen's top of view of one resolution (`topOfView`, exact counts).
 */
import { localDay } from '../../server/src/common/dates.js';
import { deriveStatus } from '../../server/src/modules/tasks/task-status.js';
import { TaskState } from '../../server/src/modules/tasks/task.enums.js';
import {
  argNumber,
  benchDatabaseUrl,
  describeRun,
  gql,
  post,
  printTable,
  startApi,
  startRaw,
  stats,
  timeRuns,
  type RawContext,
} from '../lib/harness.js';

const QUERY = `query TaskList($filter: TaskFilter) {
  tasks(first: 50, filter: $filter) {
    totalCount
    pageInfo { endCursor hasNextPage }
    nodes {
      id title status progress dueOn priority
      leadUnit { id name }
      indicators { id name target currentValue }
      latestReport { id percent state receivedAt }
    }
  }
}`;

/**
 * The same page as TaskService.list and the loaders behind QUERY, in plain SQL: scope by the lead
 * unit's path (the lead always lies in the assigner's subtree), the total from task_rollup (the
 * unit's rows cover its subtree; open tasks due this month counted from task, as the app does), the page by keyset on (due_on, id).
 */
async function rawTaskList({ pool, body, viewer }: RawContext) {
  const like = `${viewer.unitPath}%`;
  const today = localDay();
  const month = `${today.slice(0, 7)}-01`;
  const overdue = body.mode === 'overdue';
  let where = `t.lead_unit_path like $1${overdue ? ` and t.state = 'OPEN' and t.due_on < $2::date` : ''}`;
  let params: unknown[] = overdue ? [like, today] : [like];
  let fenced = false;
  if (body.mode === 'plan') {
    const { rows: roots } = await pool.query(`select id from unit where parent_id is null limit 2`);
    const sole = roots.length === 1 && roots[0].id === viewer.unitId;
    fenced = !sole;
    where += ` and t.resolution_id = $2 and ${sole ? 't.parent_id is null' : `(t.parent_id is null or not exists (select 1 from task p where p.id = t.parent_id and p.lead_unit_path like $1))`}`;
    params = [like, body.resolutionId];
  }
  const [{ rows: count }, { rows: thisMonth }, { rows: tasks }] = await Promise.all([
    body.mode === 'plan'
      ? pool.query<{ n: number }>(`select count(*)::int n from task t where ${where}`, params)
      : pool.query<{ n: number }>(
          `select coalesce(sum(x.n), 0)::int n from task_rollup x where x.unit_path = $1${overdue ? ` and x.kind = 'OPEN' and x.due_month < $2::date` : ''}`,
          [viewer.unitPath, ...(overdue ? [month] : [])],
        ),
    overdue
      ? pool.query<{ n: number }>(`select count(*)::int n from task t where ${where} and t.due_on >= $3::date`, [
          ...params,
          month,
        ])
      : Promise.resolve({ rows: [{ n: 0 }] }),
    pool.query(
      `select t.id, t.title, t.progress, t.due_on::text as due_on, t.priority, t.state, t.completed_at, t.last_report_at, t.lead_unit_id
         from ${fenced ? `(select t.* from task t where ${where} offset 0) t` : `task t where ${where}`} order by t.due_on asc nulls last, t.id asc limit 51`,
      params,
    ),
  ]);
  const page = tasks.slice(0, 50);
  const ids = page.map((t) => t.id as string);
  const [{ rows: units }, { rows: indicators }, { rows: latest }] = await Promise.all([
    pool.query(`select id, name from unit where id = any($1::uuid[])`, [[...new Set(page.map((t) => t.lead_unit_id as string))]]),
    pool.query(
      `select id, task_id, name, target, current_value from indicator where task_id = any($1::uuid[]) order by created_at, id`,
      [ids],
    ),
    pool.query(
      `select distinct on (task_id) id, task_id, percent, state, received_at from progress_report
        where task_id = any($1::uuid[]) order by task_id, received_at desc, id desc`,
      [ids],
    ),
  ]);
  const unitById = new Map(units.map((u) => [u.id, u]));
  const latestByTask = new Map(latest.map((r) => [r.task_id, r]));
  return {
    tasks: {
      totalCount: count[0]!.n + thisMonth[0]!.n,
      pageInfo: { endCursor: page.length ? `${page.at(-1)!.due_on}|${page.at(-1)!.id}` : null, hasNextPage: tasks.length > 50 },
      nodes: page.map((t) => ({
        id: t.id,
        title: t.title,
        status: deriveStatus(
          {
            state: t.state as TaskState,
            dueOn: t.due_on,
            progress: t.progress,
            completedAt: t.completed_at,
            lastReportAt: t.last_report_at,
          },
          today,
        ),
        progress: t.progress,
        dueOn: t.due_on,
        priority: t.priority,
        leadUnit: { id: t.lead_unit_id, name: unitById.get(t.lead_unit_id)?.name },
        indicators: indicators
          .filter((i) => i.task_id === t.id)
          .map((i) => ({ id: i.id, name: i.name, target: i.target, currentValue: i.current_value })),
        latestReport: latestByTask.get(t.id) ?? null,
      })),
    },
  };
}

const databaseUrl = benchDatabaseUrl();
const runs = argNumber('runs', 15);
await describeRun(databaseUrl, `npm run bench:api -- --runs ${runs}`);
const api = await startApi(databaseUrl);
const raw = await startRaw(databaseUrl, api.secret, { '/tasks': rawTaskList });

const pg = api.orm.em.getConnection();
const [lamdong] = await pg.execute<{ code: string }[]>(`select code from unit where code = 'P-LAMDONG'`);
const [commune] = await pg.execute<{ code: string }[]>(
  `select u.code from unit u where u.kind = 'COMMUNE' and u.path like (select path || '%' from unit where code = 'P-LAMDONG') order by u.seq limit 1`,
);
const [cell] = await pg.execute<{ code: string }[]>(
  `select u.code from unit u where u.kind = 'CELL' and u.parent_id = (select id from unit where code = ?) order by u.seq limit 1`,
  [commune?.code],
);
if (!lamdong || !commune || !cell) throw new Error('the bench database has no data set; run npm run bench:data first');
const viewers = [
  ['national (lanhdao.tw)', 'lanhdao.tw'],
  ['province (lanhdao.lamdong)', 'lanhdao.lamdong'],
  [`commune (lanhdao.${commune.code.toLowerCase()})`, `lanhdao.${commune.code.toLowerCase()}`],
  [`cell (canbo.${cell.code.toLowerCase()})`, `canbo.${cell.code.toLowerCase()}`],
] as const;

const [{ resolution_id: resolutionId }] = await pg.execute<{ resolution_id: string }[]>(
  `select resolution_id from task group by 1 order by count(*) desc limit 1`,
);
const modes = {
  all: { suffix: '', filter: null },
  overdue: { suffix: ', overdue', filter: { status: ['OVERDUE'] } },
  plan: { suffix: ', plan screen (top of view, one resolution)', filter: { resolutionId, topOfView: true } },
} as const;

const rows: (string | number)[][] = [];
for (const [label, username] of viewers) {
  const token = await api.tokenFor(username);
  for (const mode of ['all', 'overdue', 'plan'] as const) {
    const overdue = mode === 'overdue';
    const variables = { filter: modes[mode].filter };
    const body = { mode, resolutionId };
    // Same answer from both before timing anything, and the total as an exact count gives it.
    const a = (await gql(api, QUERY, variables, token)).json!.data as { tasks: { totalCount: number; nodes: { id: string }[] } };
    const b = (await post(`${raw.url}/tasks`, body, token)).json!.data as typeof a;
    const [unitPath] = await pg.execute<{ path: string }[]>(
      `select u.path from account a join unit u on u.id = a.unit_id where a.username = ?`,
      [username],
    );
    // The scope as it was first written (lead or assigner in the subtree), nothing derived.
    const like = `${unitPath!.path}%`;
    const [exact] = await pg.execute<{ n: number }[]>(
      `select count(*)::int n from task t where (t.lead_unit_path like ? or t.assigner_unit_path like ?)${overdue ? ` and t.state = 'OPEN' and t.due_on < ?::date` : ''}${
        mode === 'plan'
          ? ` and t.resolution_id = ? and (t.parent_id is null or not exists (select 1 from task p where p.id = t.parent_id and (p.lead_unit_path like ? or p.assigner_unit_path like ?)))`
          : ''
      }`,
      [like, like, ...(overdue ? [localDay()] : []), ...(mode === 'plan' ? [resolutionId, like, like] : [])],
    );
    if (
      a.tasks.totalCount !== b.tasks.totalCount ||
      a.tasks.totalCount !== exact!.n ||
      a.tasks.nodes.map((n) => n.id).join() !== b.tasks.nodes.map((n) => n.id).join()
    )
      throw new Error(
        `GraphQL, raw SQL and the exact count disagree for ${label}: ${a.tasks.totalCount}, ${b.tasks.totalCount}, ${exact!.n}`,
      );
    // Interleaved, so a burst of load on the shared machine hits both sides alike.
    const g: number[] = [];
    const s: number[] = [];
    for (let i = 0; i < runs; i++) {
      g.push(...(await timeRuns(() => gql(api, QUERY, variables, token), 1, i === 0 ? 2 : 0)));
      s.push(...(await timeRuns(() => post(`${raw.url}/tasks`, body, token), 1, i === 0 ? 2 : 0)));
    }
    const gs = stats(g);
    const ss = stats(s);
    rows.push([
      `${label}${modes[mode].suffix}`,
      String(a.tasks.totalCount),
      gs.min,
      gs.median,
      gs.max,
      ss.min,
      ss.median,
      ss.max,
      `${(gs.median / ss.median).toFixed(2)}×`,
    ]);
  }
}
printTable(
  `Task list, first page of 50 (${runs} runs each, ms)`,
  ['viewer', 'tasks in view', 'GraphQL min', 'median', 'max', 'raw SQL min', 'median', 'max', 'ratio (median)'],
  rows,
);
await raw.close();
await api.close();
