import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDay } from '../../src/common/dates.js';
import { Role } from '../../src/modules/accounts/role.js';
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
const LIST = `query($unitId: ID, $r: ID, $kinds: [WarningKind!], $orderBy: WarningOrder, $first: Int, $after: String) {
  warnings(unitId: $unitId, resolutionId: $r, kinds: $kinds, orderBy: $orderBy, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id kind severity task { id } unit { id } messageVi messageEn
      params { dueOn daysOverdue daysLeft progress elapsedPercent daysSinceReport neverReported obstacles reviewComment projectedOn waitingReports oldestWaitingDays } }
  }
}`;

// Every case runs twice: computed live, and read from the snapshot large subtrees use (made
// to serve any subtree here, and refreshed before each question).
describe.each([
  ['live', false],
  ['snapshot', true],
])('warnings (%s)', (_mode, snapshot) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'error', ...(snapshot ? { WARN_SNAPSHOT_MIN_TASKS: '1' } : {}) });
  });
  afterAll(async () => {
    await t.close();
  });
  const refresh = async () => {
    await t.drain();
    if (snapshot) expect(await t.app.services.warnings.refreshSnapshot(t.em())).toEqual(expect.any(Number));
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

describe('warning snapshot', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'error', WARN_SNAPSHOT_MIN_TASKS: '3' });
  });
  afterAll(() => t.close());

  it('serves large subtrees from the last refresh, drops what no longer holds, and keeps small ones live', async () => {
    const em = t.em();
    const tree = await buildTree(em);
    const today = localDay();
    const overdue = (lead = tree.commune) => buildTask(em, { assigner: tree.province, lead, dueOn: addDays(today, -3) });
    const first = await overdue();
    await overdue(tree.siblingCommune);
    await overdue(tree.siblingCommune);
    const { token } = await tokenFor(t, tree.province, [Role.LEADER]);
    const { token: communeToken } = await tokenFor(t, tree.commune, [Role.LEADER]);
    const overdueIds = async (tok: string) =>
      ok(await t.gql<{ warnings: { totalCount: number; nodes: W[] } }>(LIST, { kinds: ['OVERDUE'] }, tok)).warnings;

    const asOf = `query { warningsAsOf }`;
    expect(ok(await t.gql<{ warningsAsOf: string | null }>(asOf, {}, token)).warningsAsOf).toBeNull();
    await t.app.services.warnings.refreshSnapshot(t.em());
    // Said to the reader: the province's warnings are the snapshot's, the commune's are live.
    const [{ refreshed_at: refreshedAt }] = await t
      .em()
      .getConnection()
      .execute(`select refreshed_at from warning_snapshot_state`);
    expect(ok(await t.gql<{ warningsAsOf: string | null }>(asOf, {}, token)).warningsAsOf).toBe(
      new Date(refreshedAt).toISOString(),
    );
    expect(ok(await t.gql<{ warningsAsOf: string | null }>(asOf, {}, communeToken)).warningsAsOf).toBeNull();
    const late = await overdue();
    // The province (three open tasks or more) reads the snapshot: the new task waits for the next refresh.
    expect((await overdueIds(token)).nodes.map((w) => w.task.id)).not.toContain(late.id);
    // The commune (below the size) is computed live and has it at once.
    expect((await overdueIds(communeToken)).nodes.map((w) => w.task.id)).toContain(late.id);
    // Just after midnight, yesterday's snapshot still serves until the next refresh.
    await t.em().getConnection().execute(`update warning_snapshot_state set day = day - 1`);
    expect((await overdueIds(token)).nodes.map((w) => w.task.id)).not.toContain(late.id);

    // A task completed since the snapshot is no longer listed.
    await t
      .em()
      .getConnection()
      .execute(`update task set state = 'COMPLETED', completed_at = now(), progress = 100 where id = ?`, [first.id]);
    expect((await overdueIds(token)).nodes.map((w) => w.task.id)).not.toContain(first.id);

    await t.app.services.warnings.refreshSnapshot(t.em());
    const after = await overdueIds(token);
    expect(after.nodes.map((w) => w.task.id)).toContain(late.id);
    expect(after.nodes.map((w) => w.task.id)).not.toContain(first.id);
    expect(after.totalCount).toBe(3);
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
