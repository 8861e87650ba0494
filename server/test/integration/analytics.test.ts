import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDay } from '../../src/common/dates.js';
import { Role } from '../../src/modules/accounts/role.js';
import { IndicatorDirection } from '../../src/modules/indicators/indicator.entity.js';
import { deriveStatus } from '../../src/modules/tasks/task-status.js';
import { Task } from '../../src/modules/tasks/task.entity.js';
import { TaskStatus } from '../../src/modules/tasks/task.enums.js';
import { monthStart } from '../../src/modules/analytics/rollup-math.js';
import { createTestApp, errorCode, ok, type TestApp } from '../support/test-app.js';
import {
  buildAccount,
  buildIndicator,
  buildPlan,
  buildReport,
  buildResolution,
  buildTask,
  buildTree,
  buildUnit,
  tokenFor,
} from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const SUMMARY = `query($unitId: ID, $resolutionId: ID) {
  analyticsSummary(unitId: $unitId, resolutionId: $resolutionId) {
    total completionRate onTimeRate lateCompletionRate averageProgress
    byStatus { status count }
    indicators { count withValue achieved averageAchievement }
  }
}`;

type SummaryData = {
  total: number;
  completionRate: number | null;
  onTimeRate: number | null;
  lateCompletionRate: number | null;
  averageProgress: number | null;
  byStatus: { status: TaskStatus; count: number }[];
  indicators: { count: number; withValue: number; achieved: number; averageAchievement: number | null };
};

const countsOf = (s: SummaryData) => Object.fromEntries(s.byStatus.map((b) => [b.status, b.count]));

async function setState(id: string, sql: string, params: unknown[] = []) {
  await t
    .em()
    .getConnection()
    .execute(`update task set ${sql} where id = ?`, [...params, id]);
}

/** The status counts computed task by task, straight from the task table. */
async function directCounts(pathPrefix: string, resolutionId?: string) {
  const tasks = await t
    .em()
    .find(Task, { leadUnitPath: { $like: `${pathPrefix}%` }, ...(resolutionId ? { resolution: resolutionId } : {}) });
  const counts: Record<string, number> = Object.fromEntries(Object.values(TaskStatus).map((s) => [s, 0]));
  for (const task of tasks) counts[deriveStatus(task, localDay())]++;
  return counts;
}

describe('analyticsSummary', () => {
  it('counts every derived status and the rates of a subtree, matching the tasks one by one', async () => {
    const em = t.em();
    const tree = await buildTree(em);
    const resolution = await buildResolution(em);
    const plan = await buildPlan(em, tree.province, { resolution });
    const today = localDay();
    const mk = (lead = tree.commune, over: Partial<Parameters<typeof buildTask>[1]> = {}) =>
      buildTask(em, { plan, assigner: tree.province, lead, ...over });
    await mk(tree.commune, { dueOn: addDays(today, 40) }); // not started
    await mk(tree.cell, { dueOn: addDays(today, 40), progress: 30 }); // in progress
    await mk(tree.cell, { dueOn: addDays(today, -100) }); // overdue, an earlier month
    await mk(tree.siblingCommune, { dueOn: null, progress: 10 }); // in progress, no due date
    const late = await mk(tree.cell, { dueOn: addDays(today, -10) });
    await setState(late.id, `state = 'COMPLETED', progress = 100, completed_at = now()`);
    const onTime = await mk(tree.commune, { dueOn: addDays(today, 5) });
    await setState(onTime.id, `state = 'COMPLETED', progress = 100, completed_at = now()`);
    const cancelled = await mk(tree.commune, { dueOn: addDays(today, -3) });
    await setState(cancelled.id, `state = 'CANCELLED', cancelled_at = now()`);
    // Due earlier this month: overdue although its rollup month is the current one.
    if (monthStart(today) < today) await mk(tree.cell, { dueOn: addDays(today, -1), startOn: monthStart(today) });
    await mk(tree.otherCommune, { plan: await buildPlan(em, tree.otherProvince, { resolution }), assigner: tree.otherProvince });

    const { token } = await tokenFor(t, tree.province, [Role.LEADER]);
    const s = ok(
      await t.gql<{ analyticsSummary: SummaryData }>(SUMMARY, { resolutionId: resolution.id }, token),
    ).analyticsSummary;
    const counts = countsOf(s);
    expect(counts).toEqual(await directCounts(tree.province.path, resolution.id));
    expect(counts.COMPLETED_LATE).toBe(1);
    expect(counts.COMPLETED_ON_TIME).toBe(1);
    expect(counts.CANCELLED).toBe(1);
    expect(s.total).toBe(monthStart(today) < today ? 8 : 7);
    expect(s.completionRate).toBeCloseTo(2 / (s.total - 1));
    expect(s.lateCompletionRate).toBeCloseTo(0.5);
    expect(s.onTimeRate).toBeCloseTo(1 / (2 + counts.OVERDUE));
  });

  it('follows a task reassigned to another unit, cancelled, and deleted', async () => {
    const em = t.em();
    const tree = await buildTree(em);
    const resolution = await buildResolution(em);
    const plan = await buildPlan(em, tree.province, { resolution });
    const task = await buildTask(em, { plan, assigner: tree.province, lead: tree.cell, progress: 20 });
    await buildIndicator(em, task, { baseline: 0, target: 10, currentValue: 5 });
    const { token } = await tokenFor(t, tree.province, [Role.LEADER]);
    const sum = async (unitId: string) =>
      ok(await t.gql<{ analyticsSummary: SummaryData }>(SUMMARY, { unitId, resolutionId: resolution.id }, token))
        .analyticsSummary;
    expect((await sum(tree.commune.id)).total).toBe(1);
    expect((await sum(tree.commune.id)).indicators).toMatchObject({ count: 1, withValue: 1, averageAchievement: 0.5 });

    await setState(task.id, `lead_unit_id = ?, lead_unit_path = ?`, [tree.siblingCommune.id, tree.siblingCommune.path]);
    expect((await sum(tree.commune.id)).total).toBe(0);
    expect((await sum(tree.commune.id)).indicators.count).toBe(0);
    expect((await sum(tree.siblingCommune.id)).total).toBe(1);
    expect((await sum(tree.siblingCommune.id)).indicators.count).toBe(1);

    await setState(task.id, `state = 'CANCELLED', cancelled_at = now()`);
    expect(countsOf(await sum(tree.siblingCommune.id)).CANCELLED).toBe(1);
    expect((await sum(tree.siblingCommune.id)).indicators.count).toBe(0);

    await t.em().getConnection().execute(`delete from task where id = ?`, [task.id]);
    expect((await sum(tree.province.id)).total).toBe(0);
    const [{ n }] = await t
      .em()
      .getConnection()
      .execute<{ n: number }[]>(`select coalesce(sum(n), 0)::int n from task_rollup where resolution_id = ?`, [resolution.id]);
    expect(n).toBe(0);
  });

  it('measures indicator achievement from the baseline, whichever way is better', async () => {
    const em = t.em();
    const tree = await buildTree(em);
    const resolution = await buildResolution(em);
    const plan = await buildPlan(em, tree.province, { resolution });
    const task = await buildTask(em, { plan, assigner: tree.province, lead: tree.commune });
    // Raise coverage from 40 to 80: at 60, half way.
    await buildIndicator(em, task, { baseline: 40, target: 80, currentValue: 60 });
    // Cut the poverty rate from 10 to 4: at 4, achieved.
    await buildIndicator(em, task, { baseline: 10, target: 4, currentValue: 4, direction: IndicatorDirection.LOWER_IS_BETTER });
    // No value reported yet.
    await buildIndicator(em, task, { baseline: 0, target: 100, currentValue: null });
    const { token } = await tokenFor(t, tree.province, [Role.VIEWER]);
    const s = ok(
      await t.gql<{ analyticsSummary: SummaryData }>(SUMMARY, { resolutionId: resolution.id }, token),
    ).analyticsSummary;
    expect(s.indicators).toEqual({ count: 3, withValue: 2, achieved: 1, averageAchievement: 0.75 });
  });
});

describe('scope of analytics', () => {
  it('lets a province see only itself: another province answers NOT_FOUND, and its numbers never leak', async () => {
    const em = t.em();
    const tree = await buildTree(em);
    const resolution = await buildResolution(em);
    await buildTask(em, {
      plan: await buildPlan(em, tree.otherProvince, { resolution }),
      assigner: tree.otherProvince,
      lead: tree.otherCommune,
    });
    await buildTask(em, {
      plan: await buildPlan(em, tree.province, { resolution }),
      assigner: tree.province,
      lead: tree.commune,
    });
    const { token } = await tokenFor(t, tree.province, [Role.LEADER]);
    expect(errorCode(await t.gql(SUMMARY, { unitId: tree.otherProvince.id }, token))).toBe('NOT_FOUND');
    expect(errorCode(await t.gql(SUMMARY, { unitId: tree.central.id }, token))).toBe('NOT_FOUND');
    const own = ok(
      await t.gql<{ analyticsSummary: SummaryData }>(SUMMARY, { resolutionId: resolution.id }, token),
    ).analyticsSummary;
    expect(own.total).toBe(1);
    const { token: central } = await tokenFor(t, tree.central, [Role.LEADER]);
    const all = ok(
      await t.gql<{ analyticsSummary: SummaryData }>(SUMMARY, { resolutionId: resolution.id }, central),
    ).analyticsSummary;
    expect(all.total).toBe(2);
  });

  it('asks for sign-in and refuses malformed ids naming the argument', async () => {
    expect(errorCode(await t.gql(SUMMARY, {}))).toBe('UNAUTHENTICATED');
    const tree = await buildTree(t.em());
    const { token } = await tokenFor(t, tree.province, [Role.LEADER]);
    const res = await t.gql(SUMMARY, { unitId: 'nope' }, token);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].extensions?.field).toBe('unitId');
    // An empty id is malformed too, not "no unit" (it reached SQL as '' and failed there).
    const empty = await t.gql(SUMMARY, { unitId: '' }, token);
    expect([errorCode(empty), empty.errors?.[0].extensions?.field]).toEqual(['BAD_USER_INPUT', 'unitId']);
  });
});

describe('drill-down, trend and ranking', () => {
  it('splits the figures by child unit with the unit’s own tasks on their own line', async () => {
    const em = t.em();
    const tree = await buildTree(em);
    const resolution = await buildResolution(em);
    const plan = await buildPlan(em, tree.province, { resolution });
    await buildTask(em, { plan, assigner: tree.province, lead: tree.cell });
    await buildTask(em, { plan, assigner: tree.province, lead: tree.commune });
    await buildTask(em, { plan, assigner: tree.province, lead: tree.siblingCommune });
    await buildTask(em, { plan, assigner: tree.province, lead: tree.province });
    const { token } = await tokenFor(t, tree.province, [Role.LEADER]);
    const rows = ok(
      await t.gql<{ analyticsByChild: { unit: { id: string }; own: boolean; summary: { total: number } }[] }>(
        `query($r: ID) { analyticsByChild(resolutionId: $r) { unit { id } own summary { total } } }`,
        { r: resolution.id },
        token,
      ),
    ).analyticsByChild;
    const totals = Object.fromEntries(rows.map((r) => [`${r.unit.id}${r.own ? ':own' : ''}`, r.summary.total]));
    expect(totals).toEqual({ [tree.commune.id]: 2, [tree.siblingCommune.id]: 1, [`${tree.province.id}:own`]: 1 });
  });

  it('gives a weekly series of reports received and tasks completed', async () => {
    const em = t.em();
    const tree = await buildTree(em);
    const resolution = await buildResolution(em);
    const plan = await buildPlan(em, tree.province, { resolution });
    const task = await buildTask(em, { plan, assigner: tree.province, lead: tree.commune });
    const { account } = await tokenFor(t, tree.commune, [Role.REPORTER]);
    await buildReport(em, task, account, { receivedAt: new Date() });
    await buildReport(em, task, account, { receivedAt: new Date(Date.now() - 14 * 86_400_000) });
    await setState(task.id, `state = 'COMPLETED', progress = 100, completed_at = now()`);
    const { token } = await tokenFor(t, tree.province, [Role.LEADER]);
    const trend = ok(
      await t.gql<{ analyticsTrend: { weekStart: string; reportsReceived: number; completedOnTime: number }[] }>(
        `query($r: ID) { analyticsTrend(resolutionId: $r, weeks: 4) { weekStart reportsReceived completedOnTime } }`,
        { r: resolution.id },
        token,
      ),
    ).analyticsTrend;
    expect(trend).toHaveLength(4);
    expect(trend.map((p) => p.reportsReceived)).toEqual([0, 1, 0, 1]);
    expect(trend.at(-1)?.completedOnTime).toBe(1);
    expect(errorCode(await t.gql(`{ analyticsTrend(weeks: 0) { weekStart } }`, {}, token))).toBe('BAD_USER_INPUT');
  });

  it('reports per unit how late reports arrive after they were written', async () => {
    const em = t.em();
    const tree = await buildTree(em);
    const task = await buildTask(em, { assigner: tree.province, lead: tree.commune });
    const { account } = await tokenFor(t, tree.commune, [Role.REPORTER]);
    const r = await buildReport(em, task, account);
    // Written three days before it arrived: offline in the field.
    await t
      .em()
      .getConnection()
      .execute(
        `insert into progress_report (id, task_id, unit_id, unit_path, author_id, percent, written_at, received_at)
      values (gen_random_uuid(), ?, ?, ?, ?, 60, now() - interval '3 days', now())`,
        [task.id, tree.commune.id, tree.commune.path, account.id],
      );
    expect(r.state).toBe('SUBMITTED');
    const { token } = await tokenFor(t, tree.province, [Role.LEADER]);
    const rows = ok(
      await t.gql<{ syncHealth: { unit: { id: string }; reports: number; lateArrivals: number; maxLagHours: number }[] }>(
        `{ syncHealth { unit { id } reports lateArrivals maxLagHours } }`,
        {},
        token,
      ),
    ).syncHealth;
    const commune = rows.find((x) => x.unit.id === tree.commune.id)!;
    expect(commune).toMatchObject({ reports: 2, lateArrivals: 1 });
    expect(commune.maxLagHours).toBeCloseTo(72, 0);
    expect(rows.find((x) => x.unit.id === tree.siblingCommune.id)).toMatchObject({ reports: 0, lateArrivals: 0 });
  });

  it('counts each child subtree’s devices, following accounts and units that move', async () => {
    const em = t.em();
    const tree = await buildTree(em);
    const cellAccount = await buildAccount(em, tree.cell);
    const siblingAccount = await buildAccount(em, tree.siblingCommune);
    const conn = t.em().getConnection();
    const device = (accountId: string, hoursAgo: number) =>
      conn.execute(
        `insert into sync_client (client_id, account_id, protocol_version, last_pull_at) values (gen_random_uuid(), ?, 4, now() - ? * interval '1 hour')`,
        [accountId, hoursAgo],
      );
    await device(cellAccount.id, 5);
    await device(cellAccount.id, 1);
    await device(siblingAccount.id, 2);
    const { token } = await tokenFor(t, tree.province, [Role.LEADER, Role.ADMIN]);
    const health = async () => {
      const rows = ok(
        await t.gql<{ syncHealth: { unit: { id: string }; devices: number; lastSyncAt: string | null }[] }>(
          `{ syncHealth { unit { id } devices lastSyncAt } }`,
          {},
          token,
        ),
      ).syncHealth;
      return Object.fromEntries(rows.map((r) => [r.unit.id, r]));
    };
    let rows = await health();
    expect(rows[tree.commune.id]?.devices).toBe(2);
    expect(Date.now() - Date.parse(rows[tree.commune.id]!.lastSyncAt!)).toBeLessThan(1.5 * 3600_000);
    expect(rows[tree.siblingCommune.id]?.devices).toBe(1);

    // The account changes unit: its device counts where it now is.
    await conn.execute(`update account set unit_id = ? where id = ?`, [tree.commune.id, siblingAccount.id]);
    rows = await health();
    expect([rows[tree.commune.id]?.devices, rows[tree.siblingCommune.id]?.devices]).toEqual([3, 0]);

    // The cell moves under the sibling commune, its devices with it.
    const moved = await t.gql(
      `mutation($id: ID!, $to: ID!) { moveUnit(id: $id, newParentId: $to) { id } }`,
      { id: tree.cell.id, to: tree.siblingCommune.id },
      token,
    );
    ok(moved);
    rows = await health();
    expect([rows[tree.commune.id]?.devices, rows[tree.siblingCommune.id]?.devices]).toEqual([1, 2]);
  });

  it('counts a nation as its root row plus its children’s', async () => {
    const em = t.em();
    const root = await buildUnit(em, { kind: 'CENTRAL' });
    const province = await buildUnit(em, { parent: root, kind: 'PROVINCE' });
    const resolution = await buildResolution(em);
    await buildTask(em, { plan: await buildPlan(em, root, { resolution }), lead: root });
    await buildTask(em, { plan: await buildPlan(em, root, { resolution }), assigner: root, lead: province });
    const { token } = await tokenFor(t, root, [Role.LEADER]);
    const s = ok(
      await t.gql<{ analyticsSummary: SummaryData }>(SUMMARY, { resolutionId: resolution.id }, token),
    ).analyticsSummary;
    expect(s.total).toBe(2);
  });
});
