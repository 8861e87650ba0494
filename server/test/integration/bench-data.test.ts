import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { generateDataset, verifyDataset, type GenerateResult } from '../../../bench/data/dataset.js';
import { schemaFingerprint } from '../../../bench/data/schema-guard.js';
import { startApi, type Api } from '../../../bench/lib/harness.js';
import { localDay } from '../../src/common/dates.js';
import { DEMO_PASSWORD } from '../../src/db/seed/seed.js';
import { indicatorAchievement } from '../../src/modules/analytics/rollup-math.js';
import { IndicatorDirection } from '../../src/modules/indicators/indicator.entity.js';
import { deriveStatus } from '../../src/modules/tasks/task-status.js';
import { TaskState, TaskStatus } from '../../src/modules/tasks/task.enums.js';
import { withDatabase } from '../global-setup.js';
import { ok, type GraphQLResponse } from '../support/test-app.js';

const AS_OF = '2026-11-30';

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** An empty database (the generator migrates it), named so the global teardown drops it. */
async function createEmptyDatabase(): Promise<string> {
  const adminUrl = inject('adminUrl');
  const name = inject('templateDb').replace('tpl', `b${randomBytes(4).toString('hex')}`);
  await query(withDatabase(adminUrl, 'postgres'), `create database "${name}"`);
  return withDatabase(adminUrl, name);
}

describe('the benchmark data generator at small scale', () => {
  const t = { databaseUrl: '' };
  let api: Api;
  let result: GenerateResult;

  beforeAll(async () => {
    t.databaseUrl = await createEmptyDatabase();
    result = await generateDataset({ databaseUrl: t.databaseUrl, scale: 'small', seed: 7, asOf: AS_OF });
    api = await startApi(t.databaseUrl);
  }, 180_000);
  afterAll(() => api?.close());

  const gql = async <T>(q: string, variables: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>> => {
    const res = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: q, variables }),
    });
    return (await res.json()) as GraphQLResponse<T>;
  };

  it('writes units of every level, accounts, task trees, indicators and reports', async () => {
    const [c] = await query<Record<string, string>>(
      t.databaseUrl,
      `select (select count(*) from unit where kind = 'COMMUNE') as communes, (select count(*) from unit where kind = 'CELL') as cells,
              (select count(*) from task) as tasks, (select count(*) from indicator) as indicators,
              (select count(*) from progress_report) as reports, (select count(distinct resolution_id) from task) as resolutions,
              (select max(depth) + 1 from task) as depth, (select count(distinct state) from progress_report) as states`,
    );
    expect(Number(c!.communes)).toBe(6);
    expect(Number(c!.cells)).toBe(18);
    expect(Number(c!.resolutions)).toBe(7);
    expect(Number(c!.tasks)).toBe(result.counts.task);
    expect(Number(c!.reports)).toBeGreaterThan(0);
    expect(Number(c!.indicators)).toBeGreaterThan(0);
    expect(Number(c!.depth)).toBeGreaterThanOrEqual(3);
    expect(Number(c!.depth)).toBeLessThanOrEqual(5);
    expect(Number(c!.states)).toBe(3);
  });

  it('refuses a database whose later migrations already ran, as their derived rows would not follow', async () => {
    await expect(generateDataset({ databaseUrl: t.databaseUrl, scale: 'small', seed: 7, asOf: AS_OF })).rejects.toThrow(
      /empty database|already holds/,
    );
  });

  it('keeps every invariant of the application', async () => {
    expect(await verifyDataset(t.databaseUrl)).toEqual([]);
  });

  it('leaves the schema exactly as the migrations made it', async () => {
    const fingerprint = async (url: string) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return await schemaFingerprint(client);
      } finally {
        await client.end();
      }
    };
    const template = withDatabase(inject('adminUrl'), inject('templateDb'));
    expect(await fingerprint(t.databaseUrl)).toBe(await fingerprint(template));
  });

  it('numbers new units from unit_seq, so the app can keep adding units', async () => {
    const [s] = await query<{ max: number; last: string }>(
      t.databaseUrl,
      `select max(seq) as max, (select last_value from unit_seq) as last from unit`,
    );
    expect(Number(s!.last)).toBe(s!.max);
  });

  it('gives accounts the API accepts: a cell officer signs in and sees exactly the tasks of their cell', async () => {
    const [cell] = await query<{ code: string; path: string }>(
      t.databaseUrl,
      `select u.code, u.path from unit u where u.kind = 'CELL' and exists (select 1 from task where lead_unit_id = u.id) order by u.seq limit 1`,
    );
    const session = ok(
      await gql<{ signIn: { accessToken: string } }>(
        `mutation($u: String!, $p: String!) { signIn(username: $u, password: $p) { accessToken } }`,
        { u: `canbo.${cell!.code.toLowerCase()}`, p: DEMO_PASSWORD },
      ),
    );
    const data = ok(
      await gql<{ tasks: { totalCount: number; nodes: { leadUnit: { code: string } }[] } }>(
        `{ tasks(first: 100) { totalCount nodes { leadUnit { code } } } }`,
        {},
        session.signIn.accessToken,
      ),
    );
    const [{ n }] = (await query<{ n: string }>(t.databaseUrl, `select count(*) as n from task where lead_unit_path = $1`, [
      cell!.path,
    ])) as [{ n: string }];
    expect(data.tasks.totalCount).toBe(Number(n));
    expect(data.tasks.nodes.every((node) => node.leadUnit.code === cell!.code)).toBe(true);
  });

  it('gives dashboards from the aggregates equal to a computation from the tasks themselves, at every level', async () => {
    const today = localDay();
    const leaders = await query<{ username: string; path: string; depth: number }>(
      t.databaseUrl,
      `select distinct on (u.depth) a.username, u.path, u.depth from account a join unit u on u.id = a.unit_id
        where a.disabled_at is null and exists (select 1 from task where lead_unit_path like u.path || '%')
        order by u.depth, 'LEADER' = any(a.roles) desc, u.seq`,
    );
    expect(leaders.map((l) => l.depth)).toEqual([0, 1, 2, 3]);
    const [resolution] = await query<{ id: string }>(
      t.databaseUrl,
      `select resolution_id as id from task group by 1 order by count(*) desc limit 1`,
    );
    const tasks = await query<{
      lead_unit_path: string;
      resolution_id: string;
      state: TaskState;
      due_on: string | null;
      progress: number;
      completed_at: Date | null;
      last_report_at: Date | null;
    }>(
      t.databaseUrl,
      `select lead_unit_path, resolution_id, state, to_char(due_on, 'YYYY-MM-DD') due_on, progress, completed_at, last_report_at from task`,
    );
    const indicators = await query<{
      lead_unit_path: string;
      resolution_id: string;
      baseline: number;
      target: number;
      current_value: number | null;
      direction: IndicatorDirection;
    }>(
      t.databaseUrl,
      `select t.lead_unit_path, t.resolution_id, i.baseline, i.target, i.current_value, i.direction
         from indicator i join task t on t.id = i.task_id where t.state <> 'CANCELLED'`,
    );
    const reports = await query<{ unit_path: string; resolution_id: string; week: string; has_obstacles: boolean }>(
      t.databaseUrl,
      `select r.unit_path, t.resolution_id, to_char(date_trunc('week', r.received_at at time zone 'Asia/Ho_Chi_Minh'), 'YYYY-MM-DD') week, r.has_obstacles
         from progress_report r join task t on t.id = r.task_id`,
    );
    const paths = new Map(
      (await query<{ id: string; path: string }>(t.databaseUrl, `select id, path from unit`)).map((u) => [u.id, u.path]),
    );
    const expected = (inside: (path: string) => boolean, res: string | null) => {
      const mine = tasks.filter((x) => inside(x.lead_unit_path) && (!res || x.resolution_id === res));
      const counts = Object.fromEntries(Object.values(TaskStatus).map((s) => [s, 0])) as Record<TaskStatus, number>;
      let openProgress = 0;
      for (const x of mine) {
        const status = deriveStatus(
          { state: x.state, dueOn: x.due_on, progress: x.progress, completedAt: x.completed_at, lastReportAt: x.last_report_at },
          today,
        );
        counts[status]++;
        if (x.state === TaskState.OPEN) openProgress += x.progress;
      }
      const done = counts.COMPLETED_ON_TIME + counts.COMPLETED_LATE;
      const live = mine.length - counts.CANCELLED;
      const ind = indicators.filter((i) => inside(i.lead_unit_path) && (!res || i.resolution_id === res));
      const valued = ind.filter((i) => i.current_value !== null);
      const achievement = valued.reduce((a, i) => a + indicatorAchievement({ ...i, currentValue: i.current_value })!, 0);
      return {
        total: mine.length,
        byStatus: counts,
        completionRate: live ? done / live : null,
        onTimeRate: done + counts.OVERDUE ? counts.COMPLETED_ON_TIME / (done + counts.OVERDUE) : null,
        averageProgress: live ? (openProgress + 100 * done) / live : null,
        indicators: {
          count: ind.length,
          withValue: valued.length,
          averageAchievement: valued.length ? achievement / valued.length : null,
        },
      };
    };
    type Got = {
      total: number;
      byStatus: { status: TaskStatus; count: number }[];
      completionRate: number | null;
      onTimeRate: number | null;
      averageProgress: number | null;
      indicators: { count: number; withValue: number; averageAchievement: number | null };
    };
    const shape = (g: Got) => ({
      ...g,
      byStatus: Object.fromEntries(g.byStatus.map((b) => [b.status, b.count])),
      completionRate: g.completionRate === null ? null : +g.completionRate.toFixed(9),
      onTimeRate: g.onTimeRate === null ? null : +g.onTimeRate.toFixed(9),
      averageProgress: g.averageProgress === null ? null : +g.averageProgress.toFixed(6),
      indicators: {
        ...g.indicators,
        averageAchievement: g.indicators.averageAchievement === null ? null : +g.indicators.averageAchievement.toFixed(9),
      },
    });
    const round = (e: ReturnType<typeof expected>) =>
      shape({ ...e, byStatus: Object.entries(e.byStatus).map(([status, count]) => ({ status: status as TaskStatus, count })) });
    const FIGURES = `total completionRate onTimeRate averageProgress byStatus { status count } indicators { count withValue averageAchievement }`;
    for (const leader of leaders) {
      const token = await api.tokenFor(leader.username);
      for (const res of [null, resolution!.id]) {
        const data = ok(
          await gql<{
            analyticsSummary: Got;
            analyticsByChild: { own: boolean; unit: { id: string }; summary: Got }[];
            analyticsTrend: { weekStart: string; reportsReceived: number; reportsWithObstacles: number }[];
          }>(
            `query($r: ID) { analyticsSummary(resolutionId: $r) { ${FIGURES} }
               analyticsByChild(resolutionId: $r) { own unit { id } summary { ${FIGURES} } }
               analyticsTrend(resolutionId: $r, weeks: 260) { weekStart reportsReceived reportsWithObstacles } }`,
            { r: res },
            token,
          ),
        );
        const where = `${leader.username} ${res ?? 'all resolutions'}`;
        expect(shape(data.analyticsSummary), where).toEqual(round(expected((p) => p.startsWith(leader.path), res)));
        for (const row of data.analyticsByChild) {
          const path = paths.get(row.unit.id)!;
          const inside = row.own ? (p: string) => p === leader.path : (p: string) => p.startsWith(path);
          expect(shape(row.summary), `${where} ${path}`).toEqual(round(expected(inside, res)));
        }
        const weeks = new Map<string, { n: number; ob: number }>();
        for (const r of reports.filter((x) => x.unit_path.startsWith(leader.path) && (!res || x.resolution_id === res))) {
          const w = weeks.get(r.week) ?? { n: 0, ob: 0 };
          w.n++;
          if (r.has_obstacles) w.ob++;
          weeks.set(r.week, w);
        }
        const from = data.analyticsTrend[0]!.weekStart;
        const trend = new Map(
          data.analyticsTrend
            .filter((p) => p.reportsReceived)
            .map((p) => [p.weekStart, { n: p.reportsReceived, ob: p.reportsWithObstacles }]),
        );
        expect(trend, where).toEqual(new Map([...weeks].filter(([w]) => w >= from && w <= today)));
      }
    }
  }, 120_000);

  it('makes the same rows from the same seed and day', async () => {
    const again = await createEmptyDatabase();
    await generateDataset({ databaseUrl: again, scale: 'small', seed: 7, asOf: AS_OF });
    const digest = (url: string) =>
      query<{ md5: string }>(
        url,
        `select md5(string_agg(id::text || progress::text || state::text || coalesce(last_report_at::text, ''), ',' order by id)) as md5 from task`,
      );
    expect(await digest(again)).toEqual(await digest(t.databaseUrl));
  }, 180_000);
});
