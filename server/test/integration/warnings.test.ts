import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDay } from '../../src/common/dates.js';
import { Role } from '../../src/modules/accounts/role.js';
import { applyBatch } from '../../src/modules/derived/derived-apply.js';
import { verifyDerived } from '../../src/modules/derived/derived-verify.js';
import { createTestApp, errorCode, ok, type TestApp } from '../support/test-app.js';
import { buildPlan, buildReport, buildResolution, buildTask, buildTree, tokenFor } from '../support/factories.js';

type W = {
  id: string;
  kind: string;
  severity: number;
  task: { id: string };
  unit: { id: string };
  messageVi: string;
  messageEn: string;
  params: Record<string, unknown>;
};
// The tests set progress by hand, which the progress check would report; the warning checks are what matter here.
const isWarningCheck = (d: { check: string }) => d.check.startsWith('warning');
const LIST = `query($unitId: ID, $r: ID, $kinds: [WarningKind!], $orderBy: WarningOrder, $first: Int, $after: String) {
  warnings(unitId: $unitId, resolutionId: $r, kinds: $kinds, orderBy: $orderBy, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id kind severity task { id } unit { id } messageVi messageEn
      params { dueOn daysOverdue daysLeft progress elapsedPercent daysSinceReport neverReported obstacles reviewComment projectedOn waitingReports oldestWaitingDays } }
  }
}`;

// The lists read the facts the derived-data worker keeps; `refresh` lets it catch up.
describe('warnings', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'error' });
  });
  afterAll(async () => {
    await t.close();
  });
  const refresh = async () => {
    await t.drain();
    expect((await verifyDerived(t.em(), { warnings: t.config.warnings })).differences.filter(isWarningCheck)).toEqual([]);
  };

  const exec = (sql: string, params: unknown[] = []) => t.em().getConnection().execute(sql, params);

  describe('warnings', () => {
    it('finds every kind, says why in both languages, and links each to its task', async () => {
      const em = t.em();
      const tree = await buildTree(em);
      const resolution = await buildResolution(em);
      const plan = await buildPlan(em, tree.province, { resolution });
      const today = localDay();
      const mk = (over: Partial<Parameters<typeof buildTask>[1]> = {}) =>
        buildTask(em, { plan, assigner: tree.province, lead: tree.commune, ...over });
      const { account } = await tokenFor(t, tree.commune, [Role.REPORTER]);
      const { account: reviewer } = await tokenFor(t, tree.province, [Role.LEADER]);
      const touch = (id: string) => exec(`update task set last_report_at = now() where id = ?`, [id]);

      const overdueTask = await mk({ dueOn: addDays(today, -3), startOn: addDays(today, -30) });
      await touch(overdueTask.id);
      const dueSoonTask = await mk({ dueOn: addDays(today, 3), startOn: addDays(today, -1), progress: 10 });
      await touch(dueSoonTask.id);
      const behind = await mk({ startOn: addDays(today, -50), dueOn: addDays(today, 50), progress: 10 });
      await touch(behind.id);
      const staleTask = await mk({ startOn: addDays(today, -60), dueOn: addDays(today, 300), progress: 90 });
      await exec(`update task set created_at = now() - interval '60 days' where id = ?`, [staleTask.id]);
      const obstacleTask = await mk({ startOn: today, dueOn: addDays(today, 300), progress: 90 });
      const ob = await buildReport(em, obstacleTask, account);
      await exec(`update task set last_report_at = now() where id = ?`, [obstacleTask.id]);
      await exec(
        `insert into progress_report (id, task_id, unit_id, unit_path, author_id, percent, has_obstacles, obstacles, written_at, received_at)
      values (gen_random_uuid(), ?, ?, ?, ?, 90, true, 'Thiếu kinh phí', now(), now() + interval '1 second')`,
        [obstacleTask.id, tree.commune.id, tree.commune.path, account.id],
      );
      expect(ob.state).toBe('SUBMITTED');
      const returnedTask = await mk({ startOn: today, dueOn: addDays(today, 300), progress: 90 });
      const rr = await buildReport(em, returnedTask, account);
      await exec(
        `update progress_report set state = 'RETURNED', reviewed_at = now(), reviewed_by_id = ?, review_comment = 'Bổ sung số liệu' where id = ?`,
        [reviewer.id, rr.id],
      );
      await touch(returnedTask.id);
      const forecastTask = await mk({ startOn: today, dueOn: addDays(today, 20), progress: 20 });
      await touch(forecastTask.id);
      for (const [daysAgo, pct] of [
        [20, 10],
        [10, 20],
      ]) {
        await exec(
          `insert into progress_report (id, task_id, unit_id, unit_path, author_id, percent, written_at, received_at, state, reviewed_at, reviewed_by_id)
        values (gen_random_uuid(), ?, ?, ?, ?, ?, now() - (? || ' days')::interval, now() - (? || ' days')::interval, 'APPROVED', now(), ?)`,
          [forecastTask.id, tree.commune.id, tree.commune.path, account.id, pct, daysAgo, daysAgo, reviewer.id],
        );
      }
      // A report waiting 10 days for the province to review it.
      const waitingTask = await mk({ startOn: today, dueOn: addDays(today, 300), progress: 90 });
      await touch(waitingTask.id);
      await buildReport(em, waitingTask, account, { receivedAt: new Date(Date.now() - 10 * 86_400_000) });
      await touch(waitingTask.id);
      // Cancelled and completed tasks raise nothing, however late.
      const cancelled = await mk({ dueOn: addDays(today, -30) });
      await exec(`update task set state = 'CANCELLED', cancelled_at = now() where id = ?`, [cancelled.id]);
      // Outside the province: never listed.
      await buildTask(em, {
        plan: await buildPlan(em, tree.otherProvince, { resolution }),
        assigner: tree.otherProvince,
        lead: tree.otherCommune,
        dueOn: addDays(today, -3),
      });

      const { token } = await tokenFor(t, tree.province, [Role.LEADER]);
      await refresh();
      const res = ok(
        await t.gql<{ warnings: { totalCount: number; nodes: W[] } }>(LIST, { r: resolution.id, first: 100 }, token),
      ).warnings;
      const has = (kind: string, taskId: string) => res.nodes.find((w) => w.kind === kind && w.task.id === taskId);
      expect(has('OVERDUE', overdueTask.id)?.params.daysOverdue).toBe(3);
      expect(has('DUE_SOON', dueSoonTask.id)?.params.daysLeft).toBe(3);
      expect(has('BEHIND_SCHEDULE', behind.id)?.params.elapsedPercent).toBe(50);
      expect(has('STALE', staleTask.id)?.params.neverReported).toBe(true);
      expect(has('OBSTACLE', obstacleTask.id)?.params.obstacles).toBe('Thiếu kinh phí');
      expect(has('RETURNED', returnedTask.id)?.params.reviewComment).toBe('Bổ sung số liệu');
      expect(has('FORECAST_MISS', forecastTask.id)?.params.projectedOn).toBe(addDays(today, 70));
      const bottleneck = res.nodes.find((w) => w.kind === 'REVIEW_BOTTLENECK');
      expect(bottleneck).toMatchObject({ unit: { id: tree.province.id }, params: { waitingReports: 1, oldestWaitingDays: 10 } });
      expect(res.nodes.some((w) => w.task.id === cancelled.id)).toBe(false);
      expect(res.totalCount).toBe(res.nodes.length);
      // The SQL and the rules agree: every listed warning got its parameters from its rule.
      for (const w of res.nodes) {
        expect(Object.values(w.params).some((v) => v !== null)).toBe(true);
        expect(w.messageVi).not.toBe(w.messageEn);
      }
      expect(has('OVERDUE', overdueTask.id)?.messageVi).toMatch(/^Quá hạn 3 ngày/);
      // Most severe first.
      expect(res.nodes[0].kind).toBe('OVERDUE');

      // Pages by due date walk every warning exactly once.
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const page: { warnings: { nodes: W[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = ok(
          await t.gql(LIST, { r: resolution.id, first: 3, after, orderBy: 'DUE_ON' }, token),
        );
        seen.push(...page.warnings.nodes.map((w) => w.id));
        after = page.warnings.pageInfo.hasNextPage ? page.warnings.pageInfo.endCursor : null;
      } while (after);
      expect(seen.sort()).toEqual(res.nodes.map((w) => w.id).sort());

      const onlyOverdue = ok(await t.gql<{ warnings: { nodes: W[] } }>(LIST, { r: resolution.id, kinds: ['OVERDUE'] }, token))
        .warnings.nodes;
      expect(onlyOverdue.map((w) => w.task.id)).toEqual([overdueTask.id]);

      const counts = ok(
        await t.gql<{ warningCounts: { kind: string; count: number }[] }>(
          `query($r: ID) { warningCounts(resolutionId: $r) { kind count } }`,
          { r: resolution.id },
          token,
        ),
      ).warningCounts;
      expect(counts.find((c) => c.kind === 'OVERDUE')?.count).toBe(1);
    });

    it('never lists another province and answers its id as NOT_FOUND', async () => {
      const em = t.em();
      const tree = await buildTree(em);
      await buildTask(em, { assigner: tree.otherProvince, lead: tree.otherCommune, dueOn: addDays(localDay(), -3) });
      const { token } = await tokenFor(t, tree.province, [Role.LEADER]);
      await refresh();
      expect(errorCode(await t.gql(LIST, { unitId: tree.otherProvince.id }, token))).toBe('NOT_FOUND');
      expect(ok(await t.gql<{ warnings: { totalCount: number } }>(LIST, {}, token)).warnings.totalCount).toBe(0);
      expect(errorCode(await t.gql(LIST, { after: 'bogus' }, token))).toBe('BAD_USER_INPUT');
    });
  });
});

describe('warning facts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'error' });
  });
  afterAll(() => t.close());

  const exec = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    t.em().getConnection().execute<T[]>(sql, params);
  const overdueIds = async (token: string) =>
    ok(await t.gql<{ warnings: { totalCount: number; nodes: W[] } }>(LIST, { kinds: ['OVERDUE'] }, token)).warnings;

  it('follow a change of the task within a pass of the worker, and say how current they are', async () => {
    const em = t.em();
    const tree = await buildTree(em);
    const today = localDay();
    const task = await buildTask(em, { assigner: tree.province, lead: tree.commune, dueOn: addDays(today, -3) });
    const { token } = await tokenFor(t, tree.province, [Role.LEADER]);
    await t.drain();
    const listed = await overdueIds(token);
    expect(listed.nodes.map((w) => w.task.id)).toEqual([task.id]);
    expect(listed.totalCount).toBe(1);

    const before = Date.now();
    // The change is logged; until the worker applies it, the list says it is older than the change.
    const asOf = async () =>
      Date.parse(ok(await t.gql<{ warningsAsOf: string }>(`query { warningsAsOf }`, {}, token, { drain: false })).warningsAsOf);
    await t.app.derived.stop();
    await exec(`update task set due_on = ?::date where id = ?`, [addDays(today, 30), task.id]);
    const [{ at }] = await exec<{ at: number }>(
      `select (extract(epoch from min(at)) * 1000)::float8 at from derived_change where kind = 'TASK' and task_id = ?`,
      [task.id],
    );
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(await asOf()).toBeLessThanOrEqual(at);
    t.app.derived.start();
    await t.drain();
    expect((await overdueIds(token)).totalCount).toBe(0);
    expect(await asOf()).toBeGreaterThanOrEqual(Math.floor(at));
    expect((await verifyDerived(t.em(), { warnings: t.config.warnings })).differences.filter(isWarningCheck)).toEqual([]);
  });

  it('are rewritten only where they differ: the same facts stay as stored, a changed one is updated with its counts', async () => {
    const em = t.em();
    const tree = await buildTree(em);
    const today = localDay();
    const task = await buildTask(em, {
      assigner: tree.province,
      lead: tree.commune,
      startOn: addDays(today, -30),
      dueOn: addDays(today, -3),
    });
    const { token } = await tokenFor(t, tree.province, [Role.LEADER]);
    await t.drain();
    const stored = () =>
      exec<{ xmin: string; due_key: string }>(
        `select xmin::text, to_char(due_key, 'YYYY-MM-DD') due_key from warning_fact where task_id = ? and kind = 'OVERDUE'`,
        [task.id],
      );
    const counts = () =>
      exec<{ n: number }>(`select n from warning_fact_count where unit_path = ? and res_key is null and kind = 'OVERDUE'`, [
        tree.province.path,
      ]).then((rows) => rows[0]?.n ?? 0);
    const [first] = await stored();
    const n = await counts();
    expect(first).toBeDefined();

    // A report arrives: the task's facts are recomputed, and its OVERDUE one comes out the same.
    await exec(`update task set last_report_at = now() where id = ?`, [task.id]);
    await t.drain();
    expect(await stored()).toEqual([first]);
    expect(await counts()).toBe(n);

    // Still overdue, from another day: the same fact, updated in place, counted once.
    await exec(`update task set due_on = ?::date where id = ?`, [addDays(today, -5), task.id]);
    await t.drain();
    const [moved] = await stored();
    expect(moved!.due_key).toBe(addDays(today, -5));
    expect(moved!.xmin).not.toBe(first!.xmin);
    expect(await counts()).toBe(n);
    expect((await overdueIds(token)).nodes.filter((w) => w.task.id === task.id)).toHaveLength(1);

    // No longer overdue: the fact goes, and with it the count.
    await exec(`update task set due_on = ?::date where id = ?`, [addDays(today, 30), task.id]);
    await t.drain();
    expect(await stored()).toEqual([]);
    expect(await counts()).toBe(n - 1);
    expect((await verifyDerived(t.em(), { warnings: t.config.warnings })).differences.filter(isWarningCheck)).toEqual([]);
  });

  it('change with the calendar: the sweep takes only the tasks whose day has come, and equals a fresh computation', async () => {
    const em = t.em();
    const tree = await buildTree(em);
    const today = localDay();
    const mk = (over: Partial<Parameters<typeof buildTask>[1]>) =>
      buildTask(em, { assigner: tree.province, lead: tree.siblingCommune, startOn: today, ...over });
    // Due in two days with progress enough not to be "due soon": overdue from the third day on.
    const soonLate = await mk({ dueOn: addDays(today, 2), progress: 80 });
    // Far from any transition for a week.
    const quiet = await mk({ dueOn: addDays(today, 300), progress: 0 });
    await exec(`update task set last_report_at = now() where id = any(?::uuid[])`, [`{${soonLate.id},${quiet.id}}`]);
    const { token } = await tokenFor(t, tree.siblingCommune, [Role.LEADER]);
    await t.drain();
    expect((await overdueIds(token)).totalCount).toBe(0);

    await t.app.derived.stop();
    try {
      const later = addDays(today, 3);
      const [{ due }] = await exec<{ due: number }>(
        `select (select count(*) from warning_clock where next_on <= ?::date) + (select count(*) from review_clock where next_on <= ?::date) due`,
        [later, later],
      );
      const result = await t
        .em()
        .fork()
        .transactional((tx) => applyBatch(tx, 100_000, { warnings: t.config.warnings, today: later }));
      // Only what was due is touched (the overdue task among them); the quiet task's day is still ahead.
      expect(Number(due)).toBeGreaterThanOrEqual(1);
      expect(result.swept).toBe(Number(due));
      const [quietClock] = await exec<{ next_on: string }>(
        `select to_char(next_on, 'YYYY-MM-DD') next_on from warning_clock where task_id = ?`,
        [quiet.id],
      );
      expect(quietClock!.next_on > later).toBe(true);
      const [fact] = await exec(`select kind from warning_fact where task_id = ? and kind = 'OVERDUE'`, [soonLate.id]);
      expect(fact).toBeDefined();
      expect(
        (await verifyDerived(t.em(), { warnings: t.config.warnings, today: later })).differences.filter(isWarningCheck),
      ).toEqual([]);
      // A second pass the same day has nothing left to do.
      const again = await t
        .em()
        .fork()
        .transactional((tx) => applyBatch(tx, 100_000, { warnings: t.config.warnings, today: later }));
      expect(again.swept).toBe(0);
    } finally {
      t.app.derived.start();
    }
  });

  it('are all recomputed when the thresholds change', async () => {
    const tree = await buildTree(t.em());
    const task = await buildTask(t.em(), {
      assigner: tree.province,
      lead: tree.commune,
      dueOn: addDays(localDay(), 5),
      progress: 10,
    });
    await t.drain();
    const [before] = await exec(`select 1 from warning_fact where task_id = ? and kind = 'DUE_SOON'`, [task.id]);
    expect(before).toBeDefined();
    const tighter = { ...t.config.warnings, dueSoonDays: 2 };
    await t.app.derived.stop();
    try {
      for (let i = 0; i < 100; i++) {
        const r = await t
          .em()
          .fork()
          .transactional((tx) => applyBatch(tx, 100_000, { warnings: tighter }));
        if (r.swept === 0 && r.changes === 0) break;
      }
      const [after] = await exec(`select 1 from warning_fact where task_id = ? and kind = 'DUE_SOON'`, [task.id]);
      expect(after).toBeUndefined();
      expect((await verifyDerived(t.em(), { warnings: tighter })).differences.filter(isWarningCheck)).toEqual([]);
    } finally {
      await t
        .em()
        .fork()
        .transactional((tx) => applyBatch(tx, 100_000, { warnings: t.config.warnings }));
      t.app.derived.start();
      await t.drain();
    }
  });
});

describe('Task.warnings', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'error' });
  });
  afterAll(() => t.close());

  type TW = {
    id: string;
    warnings: { kind: string; messageVi: string; messageEn: string; params: { reviewComment: string | null } }[];
  };

  it('gives one task its warnings by the same rules as the list, none for a finished task', async () => {
    const em = t.em();
    const tree = await buildTree(em);
    const today = localDay();
    const { account } = await tokenFor(t, tree.commune, [Role.REPORTER]);
    const { token, account: reviewer } = await tokenFor(t, tree.province, [Role.LEADER]);
    const late = await buildTask(em, {
      assigner: tree.province,
      lead: tree.commune,
      dueOn: addDays(today, -3),
      startOn: addDays(today, -30),
    });
    const returned = await buildTask(em, {
      assigner: tree.province,
      lead: tree.commune,
      dueOn: addDays(today, 300),
      startOn: today,
    });
    const done = await buildTask(em, { assigner: tree.province, lead: tree.commune, dueOn: addDays(today, -3) });
    const r = await buildReport(em, returned, account);
    const exec = (sql: string, params: unknown[]) => em.getConnection().execute(sql, params);
    await exec(
      `update progress_report set state = 'RETURNED', reviewed_at = now(), reviewed_by_id = ?, review_comment = 'Bổ sung số liệu' where id = ?`,
      [reviewer.id, r.id],
    );
    await exec(`update task set last_report_at = now() where id = any(?::uuid[])`, [`{${late.id},${returned.id}}`]);
    await exec(`update task set state = 'COMPLETED', completed_at = now(), progress = 100 where id = ?`, [done.id]);

    const one = (id: string) =>
      t.gql<{ task: TW }>(
        `query($id: ID!) { task(id: $id) { id warnings { kind messageVi messageEn params { reviewComment } } } }`,
        { id },
        token,
      );
    const lateW = ok(await one(late.id)).task.warnings;
    expect(lateW.map((w) => w.kind)).toEqual(['OVERDUE']);
    expect(lateW[0].messageVi).toContain('Quá hạn 3 ngày');
    const returnedW = ok(await one(returned.id)).task.warnings;
    expect(returnedW.map((w) => w.kind)).toEqual(['RETURNED']);
    expect(returnedW[0].params.reviewComment).toBe('Bổ sung số liệu');
    expect(ok(await one(done.id)).task.warnings).toEqual([]);

    // The list's warnings for the same tasks say the same.
    const listed = ok(
      await t.gql<{ warnings: { nodes: { kind: string; task: { id: string }; messageEn: string }[] } }>(
        `{ warnings(first: 50) { nodes { kind task { id } messageEn } } }`,
        {},
        token,
      ),
    ).warnings.nodes;
    expect(listed.find((w) => w.task.id === late.id)?.messageEn).toBe(lateW[0].messageEn);
  });
});
