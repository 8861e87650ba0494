import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/modules/accounts/role.js';
import { verifyDerived } from '../../src/modules/derived/derived-verify.js';
import { buildPlan, buildReport, buildResolution, buildTask, buildTree, buildUnit, tokenFor } from '../support/factories.js';
import { createTestApp, errorCode, ok, type TestApp } from '../support/test-app.js';

let t: TestApp;
let tree: Awaited<ReturnType<typeof buildTree>>;

beforeAll(async () => {
  t = await createTestApp({ LOG_LEVEL: 'error' });
  tree = await buildTree(t.em());
});
afterAll(() => t.close());

const SUBMIT = `mutation($input: SubmitReportInput!) { submitReport(input: $input) { report { id state approvalLevels approvedLevels awaitingUnitKind } } }`;
const APPROVE = `mutation($id: ID!, $c: String) { approveReport(id: $id, comment: $c) { id state approvedLevels awaitingUnitKind awaitingUnitName } }`;
const RETURN = `mutation($id: ID!, $c: String!) { returnReport(id: $id, comment: $c) { id state reviewComment } }`;
const QUEUE = `query { reviewQueue(first: 50) { totalCount nodes { id approvedLevels awaitingUnitKind awaitingUnitName previousApprovedPercent authorName approvals { level decision comment decidedAt reviewerUnitKind reviewerUnitName } unit { id name kind } task { id title dueOn resolution { id code } } } } }`;
const REPORT = `query($id: ID!) { report(id: $id) { id state approvalLevels approvedLevels
  approvals { level decision comment reviewerUnitKind reviewerUnitName waitedHours } } }`;
const PIPELINE = `query($unitId: ID, $r: ID) { approvalPipeline(unitId: $unitId, resolutionId: $r) {
  awaitingFirstLevel approvedNotFinal levels { level waiting decided returned averageLagHours } } }`;
const PULL = `query ($input: SyncPullInput!) { syncPull(input: $input) {
  reports { id state approvalLevels approvedLevels awaitingUnitKind reviewComment } } }`;

interface Report {
  id: string;
  state: string;
  approvalLevels: number;
  approvedLevels: number;
  awaitingUnitKind: string | null;
}

const sql = <T>(q: string, params: unknown[] = []) => t.em().getConnection().execute<T[]>(q, params);

async function submit(token: string, taskId: string, percent: number, answersReportId?: string): Promise<Report> {
  const input = { id: randomUUID(), taskId, percent, writtenAt: new Date().toISOString(), answersReportId };
  return ok(await t.gql<{ submitReport: { report: Report } }>(SUBMIT, { input }, token)).submitReport.report;
}

/** A resolution whose commune plan asks for two levels, a task the commune gave its cell, and the people. */
async function twoLevels() {
  const resolution = await buildResolution(t.em());
  const plan = await buildPlan(t.em(), tree.commune, { resolution, approvalLevels: 2 });
  const task = await buildTask(t.em(), { plan, assigner: tree.commune, lead: tree.cell });
  const reporter = await tokenFor(t, tree.cell, [Role.REPORTER]);
  const commune = (await tokenFor(t, tree.commune, [Role.LEADER])).token;
  const province = (await tokenFor(t, tree.province, [Role.LEADER])).token;
  const otherProvince = (await tokenFor(t, tree.otherProvince, [Role.LEADER])).token;
  return { resolution, plan, task, reporter: reporter.token, commune, province, otherProvince };
}

describe('approval levels', () => {
  it('moves a report from the commune to the province, and only the last approval counts in progress', async () => {
    const w = await twoLevels();
    const report = await submit(w.reporter, w.task.id, 60);
    expect(report).toMatchObject({ state: 'SUBMITTED', approvalLevels: 2, approvedLevels: 0, awaitingUnitKind: 'COMMUNE' });
    expect(
      ok(await t.gql<{ reviewQueue: { nodes: Report[] } }>(QUEUE, {}, w.commune)).reviewQueue.nodes.map((n) => n.id),
    ).toContain(report.id);

    const first = ok(
      await t.gql<{ approveReport: Report & { awaitingUnitName: string | null } }>(
        APPROVE,
        { id: report.id, c: 'Đạt' },
        w.commune,
      ),
    ).approveReport;
    expect(first).toMatchObject({ state: 'SUBMITTED', approvedLevels: 1, awaitingUnitKind: 'PROVINCE' });
    // The province is above the commune leader: named by its kind only.
    expect(first.awaitingUnitName).toBeNull();
    // It left the commune's queue for the province's; the commune cannot act on it again, another province cannot see it.
    const communeQueue = ok(await t.gql<{ reviewQueue: { nodes: Report[] } }>(QUEUE, {}, w.commune)).reviewQueue.nodes;
    expect(communeQueue.map((n) => n.id)).not.toContain(report.id);
    const provinceQueue = ok(await t.gql<{ reviewQueue: { nodes: Report[] } }>(QUEUE, {}, w.province)).reviewQueue.nodes;
    expect(provinceQueue.find((n) => n.id === report.id)).toMatchObject({ approvedLevels: 1, awaitingUnitKind: 'PROVINCE' });
    expect(errorCode(await t.gql(APPROVE, { id: report.id }, w.commune))).toBe('FORBIDDEN');
    expect(errorCode(await t.gql(APPROVE, { id: report.id }, w.otherProvince))).toBe('NOT_FOUND');

    // Not counted yet: the task's progress has not moved; the dashboard shows it apart.
    await t.drain();
    const [before] = await sql<{ progress: number; notes: number }>(
      `select (select progress from task where id = ?) as progress,
              (select count(*)::int from notification n join account a on a.id = n.account_id
                where n.report_id = ? and n.kind = 'REPORT_SUBMITTED' and a.unit_id = ?) as notes`,
      [w.task.id, report.id, tree.province.id],
    );
    expect(before).toEqual({ progress: 0, notes: 1 });
    const pipeline = ok(
      await t.gql<{
        approvalPipeline: {
          approvedNotFinal: number;
          awaitingFirstLevel: number;
          levels: { level: number; waiting: number; decided: number }[];
        };
      }>(PIPELINE, { unitId: tree.commune.id, r: w.resolution.id }, w.province),
    ).approvalPipeline;
    expect(pipeline).toMatchObject({ approvedNotFinal: 1, awaitingFirstLevel: 0 });
    expect(pipeline.levels).toEqual([
      expect.objectContaining({ level: 1, waiting: 0, decided: 1 }),
      expect.objectContaining({ level: 2, waiting: 1, decided: 0 }),
    ]);
    expect((await verifyDerived(t.em())).differences).toEqual([]);

    const last = ok(await t.gql<{ approveReport: Report }>(APPROVE, { id: report.id }, w.province)).approveReport;
    expect(last).toMatchObject({ state: 'APPROVED', approvedLevels: 2, awaitingUnitKind: null });
    await t.drain();
    const [after] = await sql<{ progress: number }>(`select progress from task where id = ?`, [w.task.id]);
    expect(after!.progress).toBe(60);
    const history = ok(await t.gql<{ report: { approvals: Record<string, unknown>[] } }>(REPORT, { id: report.id }, w.province))
      .report.approvals;
    expect(history).toEqual([
      expect.objectContaining({
        level: 1,
        decision: 'APPROVED',
        comment: 'Đạt',
        reviewerUnitKind: 'COMMUNE',
        reviewerUnitName: tree.commune.name,
      }),
      expect.objectContaining({ level: 2, decision: 'APPROVED', reviewerUnitKind: 'PROVINCE' }),
    ]);
    const audit = await sql<{ action: string; after: { level: number; final: boolean } }>(
      `select action, after from audit_event where entity_id = ? and action = 'report.approve' order by id`,
      [report.id],
    );
    expect(audit.map((a) => [a.after.level, a.after.final])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect((await verifyDerived(t.em())).differences).toEqual([]);
  });

  it('lets the last level return the report to the phone, and the answer starts the chain again', async () => {
    const w = await twoLevels();
    const report = await submit(w.reporter, w.task.id, 80);
    ok(await t.gql(APPROVE, { id: report.id }, w.commune));
    ok(await t.gql(RETURN, { id: report.id, c: 'Thiếu biên bản' }, w.province));
    const clientId = randomUUID();
    const pulled = ok(
      await t.gql<{ syncPull: { reports: (Report & { reviewComment: string })[] } }>(
        PULL,
        { input: { protocolVersion: 2, clientId, cursor: null } },
        w.reporter,
      ),
    ).syncPull.reports.find((r) => r.id === report.id);
    expect(pulled).toMatchObject({ state: 'RETURNED', approvedLevels: 1, approvalLevels: 2, reviewComment: 'Thiếu biên bản' });
    // A returned report is final: no level acts on it again.
    expect(errorCode(await t.gql(APPROVE, { id: report.id }, w.province))).toBe('CONFLICT');

    const answer = await submit(w.reporter, w.task.id, 90, report.id);
    expect(answer).toMatchObject({ state: 'SUBMITTED', approvedLevels: 0, awaitingUnitKind: 'COMMUNE' });
    ok(await t.gql(APPROVE, { id: answer.id }, w.commune));
    const mid = ok(
      await t.gql<{ syncPull: { reports: Report[] } }>(
        PULL,
        { input: { protocolVersion: 2, clientId, cursor: null } },
        w.reporter,
      ),
    ).syncPull.reports.find((r) => r.id === answer.id);
    expect(mid).toMatchObject({ state: 'SUBMITTED', approvedLevels: 1, awaitingUnitKind: 'PROVINCE' });
    ok(await t.gql(APPROVE, { id: answer.id }, w.province));
    await t.drain();
    const [row] = await sql<{ progress: number }>(`select progress from task where id = ?`, [w.task.id]);
    expect(row!.progress).toBe(90);
    expect((await verifyDerived(t.em())).differences).toEqual([]);
  });

  it('lets a unit above step in at a level, but never sign two levels', async () => {
    const w = await twoLevels();
    const report = await submit(w.reporter, w.task.id, 50);
    // The province steps in for the commune at the first level, as it may with one level…
    expect(ok(await t.gql<{ approveReport: Report }>(APPROVE, { id: report.id }, w.province)).approveReport).toMatchObject({
      state: 'SUBMITTED',
      approvedLevels: 1,
    });
    // …so the second level needs a unit above the province: not its queue, not its decision.
    const queue = ok(await t.gql<{ reviewQueue: { nodes: Report[] } }>(QUEUE, {}, w.province)).reviewQueue.nodes;
    expect(queue.map((n) => n.id)).not.toContain(report.id);
    expect(errorCode(await t.gql(APPROVE, { id: report.id }, w.province))).toBe('FORBIDDEN');
    const central = (await tokenFor(t, tree.central, [Role.LEADER])).token;
    const centralQueue = ok(await t.gql<{ reviewQueue: { nodes: Report[] } }>(QUEUE, {}, central)).reviewQueue.nodes;
    expect(centralQueue.map((n) => n.id)).toContain(report.id);
    expect(ok(await t.gql<{ approveReport: Report }>(APPROVE, { id: report.id }, central)).approveReport.state).toBe('APPROVED');
  });

  it('keeps one level by default, and asks no more levels than there are units above', async () => {
    const resolution = await buildResolution(t.em());
    const plan = await buildPlan(t.em(), tree.province, { resolution, approvalLevels: 5 });
    const task = await buildTask(t.em(), { plan, assigner: tree.province, lead: tree.commune });
    const { token } = await tokenFor(t, tree.commune, [Role.REPORTER]);
    // Province, then central: two units above the commune's first reviewer and it.
    expect(await submit(token, task.id, 10)).toMatchObject({ approvalLevels: 2, awaitingUnitKind: 'PROVINCE' });

    const plain = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell });
    const { token: cell } = await tokenFor(t, tree.cell, [Role.REPORTER]);
    const one = await submit(cell, plain.id, 30);
    expect(one).toMatchObject({ approvalLevels: 1, awaitingUnitKind: 'COMMUNE' });
    const { token: leader } = await tokenFor(t, tree.commune, [Role.LEADER]);
    expect(ok(await t.gql<{ approveReport: Report }>(APPROVE, { id: one.id }, leader)).approveReport).toMatchObject({
      state: 'APPROVED',
      approvedLevels: 1,
    });
  });

  it('takes a task’s own setting for its subtree, set by the assigning unit, with a reason, audited', async () => {
    const plan = await buildPlan(t.em(), tree.province);
    const parent = await buildTask(t.em(), { plan, assigner: tree.province, lead: tree.commune });
    const child = await buildTask(t.em(), { plan, parent, assigner: tree.commune, lead: tree.cell });
    const SET = `mutation($input: SetTaskApprovalLevelsInput!) { setTaskApprovalLevels(input: $input) { id approvalLevels version } }`;
    const focal = (await tokenFor(t, tree.province, [Role.FOCAL])).token;
    const communeFocal = (await tokenFor(t, tree.commune, [Role.FOCAL])).token;
    const input = { id: parent.id, baseVersion: parent.version, approvalLevels: 2, reason: 'Nhiệm vụ trọng điểm' };
    expect(errorCode(await t.gql(SET, { input }, communeFocal))).toBe('FORBIDDEN');
    const bad = await t.gql(SET, { input: { ...input, approvalLevels: 9 } }, focal);
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0]!.extensions!.field).toBe('approvalLevels');
    const set = ok(await t.gql<{ setTaskApprovalLevels: { approvalLevels: number; version: number } }>(SET, { input }, focal));
    expect(set.setTaskApprovalLevels.approvalLevels).toBe(2);
    expect(errorCode(await t.gql(SET, { input }, focal))).toBe('CONFLICT');
    const [audit] = await sql<{ n: number }>(
      `select count(*)::int as n from audit_event where entity_id = ? and action = 'task.approval_levels'`,
      [parent.id],
    );
    expect(audit!.n).toBe(1);
    const { token } = await tokenFor(t, tree.cell, [Role.REPORTER]);
    expect(await submit(token, child.id, 20)).toMatchObject({ approvalLevels: 2, awaitingUnitKind: 'COMMUNE' });
  });

  it('says which levels a task gets and where they come from: its own, a task above, or the plan', async () => {
    const plan = await buildPlan(t.em(), tree.province, { approvalLevels: 3 });
    const root = await buildTask(t.em(), {
      plan,
      assigner: tree.province,
      lead: tree.commune,
      title: 'Chương trình chuyển đổi số',
    });
    const middle = await buildTask(t.em(), { plan, parent: root, assigner: tree.commune, lead: tree.cell });
    const leaf = await buildTask(t.em(), { plan, parent: middle, assigner: tree.cell, lead: tree.cell });
    const EFFECTIVE = `query($id: ID!) { task(id: $id) { effectiveApprovalLevels { levels source fromTaskId fromTaskTitle } } }`;
    const leader = (await tokenFor(t, tree.province, [Role.LEADER])).token;
    const read = async (id: string) =>
      ok(await t.gql<{ task: { effectiveApprovalLevels: Record<string, unknown> } }>(EFFECTIVE, { id }, leader)).task
        .effectiveApprovalLevels;
    expect(await read(leaf.id)).toEqual({ levels: 3, source: 'PLAN', fromTaskId: null, fromTaskTitle: null });
    await sql(`update task set approval_levels = 2 where id = ?`, [root.id]);
    expect(await read(root.id)).toEqual({
      levels: 2,
      source: 'OWN',
      fromTaskId: root.id,
      fromTaskTitle: 'Chương trình chuyển đổi số',
    });
    expect(await read(leaf.id)).toEqual({
      levels: 2,
      source: 'INHERITED',
      fromTaskId: root.id,
      fromTaskTitle: 'Chương trình chuyển đổi số',
    });
    // The nearest setting wins, and it is what a new report of the task gets.
    await sql(`update task set approval_levels = 1 where id = ?`, [middle.id]);
    expect(await read(leaf.id)).toMatchObject({ levels: 1, source: 'INHERITED', fromTaskId: middle.id });
    const [{ levels }] = (await sql<{ levels: number }>(`select task_approval_levels(?) as levels`, [leaf.id])) as [
      { levels: number },
    ];
    expect(Number(levels)).toBe(1);
    // Batched over a page of tasks as well.
    const many = ok(
      await t.gql<{ tasks: { nodes: { id: string; effectiveApprovalLevels: { source: string } }[] } }>(
        `query($parentId: ID) { tasks(filter: { parentId: $parentId }, first: 50) { nodes { id effectiveApprovalLevels { source } } } }`,
        { parentId: middle.id },
        leader,
      ),
    ).tasks.nodes;
    expect(many.map((n) => [n.id, n.effectiveApprovalLevels.source])).toEqual([[leaf.id, 'INHERITED']]);
  });

  it('measures each level’s wait from the approval below it, in the review-bottleneck warning', async () => {
    const unit = await buildUnit(t.em(), { parent: tree.commune, kind: 'CELL' });
    const resolution = await buildResolution(t.em());
    const plan = await buildPlan(t.em(), tree.commune, { resolution, approvalLevels: 2 });
    const task = await buildTask(t.em(), { plan, assigner: tree.commune, lead: unit });
    const { account } = await tokenFor(t, unit, [Role.REPORTER]);
    const report = await buildReport(t.em(), task, account, { receivedAt: new Date(Date.now() - 10 * 86_400_000) });
    const facts = () =>
      sql<{ unit_id: string; n: number }>(
        `select unit_id, n from warning_fact where kind = 'REVIEW_BOTTLENECK' and res_key = ? order by unit_id`,
        [resolution.id],
      );
    await t.drain();
    expect(await facts()).toEqual([{ unit_id: tree.commune.id, n: 1 }]);
    const { token: commune } = await tokenFor(t, tree.commune, [Role.LEADER]);
    ok(await t.gql(APPROVE, { id: report.id }, commune));
    await t.drain();
    // Ten days old, but it reached the province just now.
    expect(await facts()).toEqual([]);
    await sql(`update progress_report set awaiting_since = now() - interval '9 days' where id = ?`, [report.id]);
    await sql(`insert into derived_change (kind, task_id, report_id) values ('REVIEW', ?, ?)`, [task.id, report.id]);
    await t.drain();
    expect(await facts()).toEqual([{ unit_id: tree.province.id, n: 1 }]);
    expect((await verifyDerived(t.em(), { warnings: t.config.warnings })).differences).toEqual([]);
    const { token: province } = await tokenFor(t, tree.province, [Role.LEADER]);
    const pipeline = ok(
      await t.gql<{ approvalPipeline: { levels: { level: number; averageLagHours: number | null }[] } }>(
        PIPELINE,
        { r: resolution.id },
        province,
      ),
    ).approvalPipeline;
    expect(pipeline.levels[0]).toMatchObject({ level: 1 });
    expect(pipeline.levels[0]!.averageLagHours).toBeGreaterThan(239);
  });
});

describe('approving at the second level', () => {
  it('is for leaders of the waiting level or above only, and invisible outside the line', async () => {
    const units = {
      central: tree.central,
      province: tree.province,
      commune: tree.commune,
      cell: tree.cell,
      siblingCommune: tree.siblingCommune,
      otherProvince: tree.otherProvince,
    };
    const expected: Record<string, string> = {};
    const actual: Record<string, string> = {};
    const w = await twoLevels();
    for (const [name, unit] of Object.entries(units)) {
      for (const role of [Role.ADMIN, Role.LEADER, Role.FOCAL, Role.REPORTER, Role.VIEWER]) {
        const report = await submit(w.reporter, w.task.id, 40);
        ok(await t.gql(APPROVE, { id: report.id }, w.commune));
        const { token } = await tokenFor(t, unit, [role]);
        const res = await t.gql(APPROVE, { id: report.id }, token);
        const key = `${role}@${name}`;
        actual[key] = res.errors?.length ? String(res.errors[0]!.extensions?.code) : 'ALLOW';
        expected[key] = ['siblingCommune', 'otherProvince'].includes(name)
          ? 'NOT_FOUND'
          : role === Role.LEADER && (name === 'province' || name === 'central')
            ? 'ALLOW'
            : 'FORBIDDEN';
      }
    }
    expect(actual).toEqual(expected);
  }, 120_000);
});
