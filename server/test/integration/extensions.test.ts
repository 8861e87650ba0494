import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDay } from '../../src/common/dates.js';
import { Role } from '../../src/modules/accounts/role.js';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity.js';
import { verifyDerived } from '../../src/modules/derived/derived-verify.js';
import { Task } from '../../src/modules/tasks/task.entity.js';
import { buildPlan, buildTask, buildTree, buildUnit, tokenFor } from '../support/factories.js';
import { createTestApp, errorCode, ok, type TestApp } from '../support/test-app.js';

let t: TestApp;
let tree: Awaited<ReturnType<typeof buildTree>>;

beforeAll(async () => {
  t = await createTestApp({ WARN_EXTENSION_DAYS: '3' });
  tree = await buildTree(t.em());
});
afterAll(() => t.close());

const REQUEST = `mutation($input: RequestExtensionInput!) {
  requestExtension(input: $input) { created request { id state previousDueOn requestedDueOn reason unitName canDecide } }
}`;
const APPROVE = `mutation($id: ID!, $comment: String) { approveExtension(id: $id, comment: $comment) { id state decisionComment decidedByName } }`;
const REFUSE = `mutation($id: ID!, $comment: String!) { refuseExtension(id: $id, comment: $comment) { id state decisionComment } }`;
const QUEUE = `query($unitId: ID) { extensionQueue(unitId: $unitId) { totalCount nodes { id taskId taskTitle canDecide requestedDueOn } } }`;
const TASK = `query($id: ID!) { task(id: $id) {
  id dueOn version status
  dueDates { dueOn originalDueOn onTimeRule onTimeDueOn }
  extensionRequests { id state requestedDueOn previousDueOn reason decisionComment }
  history { kind reason before after }
} }`;
const PUSH = `mutation($input: SyncPushInput!) { syncPush(input: $input) { results { id status code field reason serverTask { id version dueOn } } } }`;
const PULL = `query($input: SyncPullInput!) { syncPull(input: $input) {
  tasks { id dueOn originalDueOn onTimeDueOn version }
  extensionRequests { id taskId state requestedDueOn previousDueOn reason decisionComment decidedByName }
} }`;

interface TaskData {
  task: {
    id: string;
    dueOn: string;
    version: number;
    status: string;
    dueDates: { dueOn: string; originalDueOn: string | null; onTimeRule: string; onTimeDueOn: string };
    extensionRequests: {
      id: string;
      state: string;
      requestedDueOn: string;
      previousDueOn: string;
      reason: string;
      decisionComment: string | null;
    }[];
    history: { kind: string; reason: string | null; before: Record<string, unknown>; after: Record<string, unknown> }[];
  };
}

/** A cell with a reporter, its commune's leader, and a task the commune assigned to the cell. */
async function setting() {
  const cell = await buildUnit(t.em(), { parent: tree.commune, kind: 'CELL' });
  const reporter = await tokenFor(t, cell, [Role.REPORTER]);
  const leader = await tokenFor(t, tree.commune, [Role.LEADER]);
  const dueOn = addDays(localDay(), 20);
  const task = await buildTask(t.em(), { lead: cell, assigner: tree.commune, dueOn });
  return { cell, reporter: reporter.token, leader: leader.token, task, dueOn };
}

const ask = (token: string, taskId: string, requestedDueOn: string, over: Record<string, unknown> = {}) =>
  t.gql<{ requestExtension: { created: boolean; request: { id: string; state: string; canDecide: boolean } } }>(
    REQUEST,
    { input: { taskId, baseVersion: 1, requestedDueOn, reason: 'Mưa bão kéo dài, chưa thi công được', ...over } },
    token,
  );

describe('requestExtension and its decision', () => {
  it('moves the due date on approval, keeps the original, and records every step', async () => {
    const s = await setting();
    const wanted = addDays(s.dueOn, 30);
    const asked = ok(await ask(s.reporter, s.task.id, wanted)).requestExtension;
    expect(asked).toMatchObject({ created: true, request: { state: 'PENDING', canDecide: false } });

    const queue = ok(
      await t.gql<{ extensionQueue: { totalCount: number; nodes: { id: string; canDecide: boolean }[] } }>(QUEUE, {}, s.leader),
    );
    expect(queue.extensionQueue.nodes.map((n) => n.id)).toContain(asked.request.id);
    expect(queue.extensionQueue.nodes.find((n) => n.id === asked.request.id)?.canDecide).toBe(true);

    const approved = ok(
      await t.gql<{ approveExtension: { state: string; decisionComment: string | null } }>(
        APPROVE,
        { id: asked.request.id, comment: 'Đồng ý' },
        s.leader,
      ),
    );
    expect(approved.approveExtension).toMatchObject({ state: 'APPROVED', decisionComment: 'Đồng ý' });

    const { task } = ok(await t.gql<TaskData>(TASK, { id: s.task.id }, s.leader));
    expect(task.dueOn).toBe(wanted);
    expect(task.version).toBe(2);
    expect(task.dueDates).toEqual({ dueOn: wanted, originalDueOn: s.dueOn, onTimeRule: 'EXTENDED', onTimeDueOn: wanted });
    expect(task.extensionRequests).toMatchObject([{ state: 'APPROVED', previousDueOn: s.dueOn, requestedDueOn: wanted }]);
    expect(task.history.map((h) => h.kind)).toEqual(['EXTENSION_REQUESTED', 'EXTENSION_APPROVED']);
    expect(task.history[1]).toMatchObject({
      before: { dueOn: s.dueOn, originalDueOn: null },
      after: { dueOn: wanted, originalDueOn: s.dueOn },
    });

    // A second extension keeps the first due date as the original.
    const again = ok(await ask(s.reporter, s.task.id, addDays(wanted, 10), { baseVersion: 2 })).requestExtension;
    ok(await t.gql(APPROVE, { id: again.request.id }, s.leader));
    const after = ok(await t.gql<TaskData>(TASK, { id: s.task.id }, s.leader)).task;
    expect(after.dueDates).toMatchObject({ dueOn: addDays(wanted, 10), originalDueOn: s.dueOn });

    const audit = await t
      .em()
      .find(AuditEvent, { entityId: { $in: [asked.request.id, again.request.id] } }, { orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual([
      'extension.request',
      'extension.approve',
      'extension.request',
      'extension.approve',
    ]);
    // Leaving the queue once decided.
    const later = ok(await t.gql<{ extensionQueue: { nodes: { id: string }[] } }>(QUEUE, {}, s.leader));
    expect(later.extensionQueue.nodes.map((n) => n.id)).not.toContain(asked.request.id);
  });

  it('refuses with a comment only, keeps the due date, and decides once', async () => {
    const s = await setting();
    const asked = ok(await ask(s.reporter, s.task.id, addDays(s.dueOn, 5))).requestExtension;
    const noComment = await t.gql(REFUSE, { id: asked.request.id, comment: '  ' }, s.leader);
    expect(errorCode(noComment)).toBe('BAD_USER_INPUT');
    expect(noComment.errors?.[0]?.extensions?.field).toBe('comment');
    ok(await t.gql(REFUSE, { id: asked.request.id, comment: 'Không có căn cứ' }, s.leader));
    expect(errorCode(await t.gql(APPROVE, { id: asked.request.id }, s.leader))).toBe('CONFLICT');
    const { task } = ok(await t.gql<TaskData>(TASK, { id: s.task.id }, s.reporter));
    expect(task.dueOn).toBe(s.dueOn);
    expect(task.version).toBe(1);
    expect(task.dueDates.originalDueOn).toBeNull();
    expect(task.extensionRequests).toMatchObject([{ state: 'REFUSED', decisionComment: 'Không có căn cứ' }]);
    expect(task.history.map((h) => h.kind)).toEqual(['EXTENSION_REQUESTED', 'EXTENSION_REFUSED']);
  });

  it('names the field of a bad request, one pending request per task, and a stale version is a conflict', async () => {
    const s = await setting();
    const early = await ask(s.reporter, s.task.id, s.dueOn);
    expect(errorCode(early)).toBe('BAD_USER_INPUT');
    expect(early.errors?.[0]?.extensions?.field).toBe('requestedDueOn');
    const noReason = await ask(s.reporter, s.task.id, addDays(s.dueOn, 3), { reason: '' });
    expect(noReason.errors?.[0]?.extensions?.field).toBe('reason');
    const stale = await ask(s.reporter, s.task.id, addDays(s.dueOn, 3), { baseVersion: 7 });
    expect(errorCode(stale)).toBe('CONFLICT');
    const id = randomUUID();
    ok(await ask(s.reporter, s.task.id, addDays(s.dueOn, 3), { id }));
    // The same id again stores nothing new.
    expect(ok(await ask(s.reporter, s.task.id, addDays(s.dueOn, 3), { id })).requestExtension.created).toBe(false);
    const second = await ask(s.reporter, s.task.id, addDays(s.dueOn, 9));
    expect(second.errors?.[0]?.extensions?.field).toBe('taskId');
    // The province is above the deciding commune: it sees the request but does not decide it.
    const province = await tokenFor(t, tree.province, [Role.LEADER]);
    expect(errorCode(await t.gql(APPROVE, { id }, province.token))).toBe('FORBIDDEN');
    const outsider = await tokenFor(t, tree.otherProvince, [Role.LEADER]);
    expect(errorCode(await t.gql(APPROVE, { id }, outsider.token))).toBe('NOT_FOUND');
  });
});

describe('REQUEST_EXTENSION through sync', () => {
  const entry = (taskId: string, baseVersion: number, requestedDueOn: string, id = randomUUID()) => ({
    id,
    kind: 'REQUEST_EXTENSION',
    createdAt: new Date().toISOString(),
    requestExtension: {
      requestId: randomUUID(),
      taskId,
      baseVersion,
      requestedDueOn,
      reason: 'Chờ vật tư',
      writtenAt: new Date().toISOString(),
    },
  });
  const push = (token: string, clientId: string, entries: unknown[]) =>
    t.gql<{
      syncPush: { results: { id: string; status: string; code: string | null; serverTask: { version: number } | null }[] };
    }>(PUSH, { input: { protocolVersion: 3, clientId, entries } }, token);

  it('stores a request once, and the phone pulls the decision and the new due date', async () => {
    const s = await setting();
    const clientId = randomUUID();
    const e = entry(s.task.id, 1, addDays(s.dueOn, 14));
    expect(ok(await push(s.reporter, clientId, [e])).syncPush.results[0]!.status).toBe('APPLIED');
    expect(ok(await push(s.reporter, clientId, [e])).syncPush.results[0]!.status).toBe('ALREADY_APPLIED');
    const [{ n }] = await t
      .em()
      .getConnection()
      .execute<{ n: number }[]>(`select count(*)::int n from task_extension_request where task_id = ?`, [s.task.id]);
    expect(n).toBe(1);

    const pull = async () =>
      ok(
        await t.gql<{
          syncPull: {
            tasks: { id: string; dueOn: string; originalDueOn: string | null; version: number }[];
            extensionRequests: { id: string; taskId: string; state: string; decidedByName: string | null }[];
          };
        }>(PULL, { input: { protocolVersion: 3, clientId, cursor: null } }, s.reporter),
      ).syncPull;
    const before = await pull();
    expect(before.extensionRequests).toMatchObject([{ id: e.requestExtension.requestId, taskId: s.task.id, state: 'PENDING' }]);

    ok(await t.gql(APPROVE, { id: e.requestExtension.requestId }, s.leader));
    const after = await pull();
    expect(after.extensionRequests).toMatchObject([{ state: 'APPROVED', decidedByName: 'Cán bộ thử nghiệm' }]);
    expect(after.tasks.find((x) => x.id === s.task.id)).toMatchObject({
      dueOn: addDays(s.dueOn, 14),
      originalDueOn: s.dueOn,
      version: 2,
    });
  });

  it('answers a request on a stale task version with CONFLICT and the server copy, storing nothing', async () => {
    const s = await setting();
    await t.em().getConnection().execute(`update task set version = 3 where id = ?`, [s.task.id]);
    const e = entry(s.task.id, 1, addDays(s.dueOn, 14));
    const [res] = ok(await push(s.reporter, randomUUID(), [e])).syncPush.results;
    expect(res).toMatchObject({ status: 'CONFLICT', code: 'CONFLICT', serverTask: { version: 3 } });
    const rows = await t.em().getConnection().execute(`select 1 from sync_applied_entry where id = ?`, [e.id]);
    expect(rows).toHaveLength(0);
  });

  it('refuses a request from a unit that does not lead the task', async () => {
    const s = await setting();
    const other = await tokenFor(t, tree.siblingCell, [Role.REPORTER]);
    const [res] = ok(await push(other.token, randomUUID(), [entry(s.task.id, 1, addDays(s.dueOn, 3))])).syncPush.results;
    expect(res).toMatchObject({ status: 'REJECTED', code: 'NOT_FOUND' });
  });
});

describe('the on-time rule', () => {
  const SUMMARY = `query($unitId: ID, $r: ID) { analyticsSummary(unitId: $unitId, resolutionId: $r) { onTimeRate byStatus { status count } } }`;
  const RULE = `mutation($planId: ID!, $rule: OnTimeRule!) { setOnTimeRule(planId: $planId, rule: $rule) { id onTimeRule } }`;

  it('measures a completion after the original date against the rule the plan chose, in status and rollups alike', async () => {
    const cell = await buildUnit(t.em(), { parent: tree.commune, kind: 'CELL' });
    const reporter = await tokenFor(t, cell, [Role.REPORTER]);
    const leader = await tokenFor(t, tree.commune, [Role.LEADER]);
    const focal = await tokenFor(t, tree.commune, [Role.FOCAL]);
    const plan = await buildPlan(t.em(), tree.commune);
    const original = addDays(localDay(), -10);
    const task = await buildTask(t.em(), { lead: cell, assigner: tree.commune, plan, dueOn: original });
    const asked = ok(await ask(reporter.token, task.id, addDays(localDay(), 10))).requestExtension;
    ok(await t.gql(APPROVE, { id: asked.request.id }, leader.token));
    // Completed five days after the original due date, before the extended one.
    const report = ok(
      await t.gql<{ submitReport: { report: { id: string } } }>(
        `mutation($input: SubmitReportInput!) { submitReport(input: $input) { report { id } } }`,
        {
          input: {
            id: randomUUID(),
            taskId: task.id,
            percent: 100,
            hasObstacles: false,
            writtenAt: new Date(Date.now() - 5 * 86_400_000).toISOString(),
          },
        },
        reporter.token,
      ),
    ).submitReport.report;
    ok(await t.gql(`mutation($id: ID!) { approveReport(id: $id) { id } }`, { id: report.id }, leader.token));
    const status = async () => ok(await t.gql<TaskData>(TASK, { id: task.id }, leader.token)).task;
    const summary = async () =>
      ok(
        await t.gql<{ analyticsSummary: { onTimeRate: number | null; byStatus: { status: string; count: number }[] } }>(
          SUMMARY,
          { unitId: cell.id, r: plan.resolution.id },
          leader.token,
        ),
      ).analyticsSummary;
    expect((await status()).status).toBe('COMPLETED_ON_TIME');
    expect((await summary()).onTimeRate).toBe(1);

    expect(errorCode(await t.gql(RULE, { planId: plan.id, rule: 'ORIGINAL' }, leader.token))).toBe('FORBIDDEN');
    expect(
      ok(await t.gql<{ setOnTimeRule: { onTimeRule: string } }>(RULE, { planId: plan.id, rule: 'ORIGINAL' }, focal.token))
        .setOnTimeRule.onTimeRule,
    ).toBe('ORIGINAL');
    const measured = await status();
    expect(measured.status).toBe('COMPLETED_LATE');
    expect(measured.dueDates).toMatchObject({ onTimeRule: 'ORIGINAL', onTimeDueOn: original, originalDueOn: original });
    expect((await summary()).onTimeRate).toBe(0);
    // A task made later in the plan takes its rule.
    const fresh = await buildTask(t.em(), { lead: cell, assigner: tree.commune, plan });
    expect((await t.em().findOneOrFail(Task, { id: fresh.id })).onTimeOriginal).toBe(true);

    await t.drain();
    expect((await verifyDerived(t.em(), { warnings: t.config.warnings })).differences).toEqual([]);
    const rules = ok(
      await t.gql<{ onTimeRules: { planId: string; rule: string }[] }>(
        `query($r: ID) { onTimeRules(resolutionId: $r) { planId rule } }`,
        { r: plan.resolution.id },
        leader.token,
      ),
    ).onTimeRules;
    expect(rules).toEqual([{ planId: plan.id, rule: 'ORIGINAL' }]);
  });
});

describe('the extension bottleneck warning', () => {
  const WARNINGS = `query($unitId: ID) { warnings(unitId: $unitId, kinds: [EXTENSION_BOTTLENECK], first: 50) { nodes { kind task { id } messageVi messageEn } } }`;

  it('warns of a request waiting longer than the threshold, and stops once it is decided', async () => {
    const s = await setting();
    const id = randomUUID();
    const requester = await tokenFor(t, s.cell, [Role.REPORTER]);
    // Asked five days ago: past the three-day threshold of this app.
    await t
      .em()
      .getConnection()
      .execute(
        `insert into task_extension_request (id, task_id, requested_by_id, requester_unit_path, previous_due_on, requested_due_on, reason, written_at, requested_at)
         values (?, ?, ?, ?, ?, ?, 'Thiếu kinh phí', now() - interval '5 days', now() - interval '5 days')`,
        [id, s.task.id, requester.account.id, s.cell.path, s.dueOn, addDays(s.dueOn, 30)],
      );
    await t.em().getConnection().execute(`insert into derived_change (kind, task_id) values ('TASK', ?)`, [s.task.id]);
    const list = async () =>
      ok(
        await t.gql<{ warnings: { nodes: { kind: string; task: { id: string }; messageEn: string }[] } }>(
          WARNINGS,
          { unitId: s.cell.id },
          s.leader,
        ),
      ).warnings.nodes;
    const found = await list();
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: 'EXTENSION_BOTTLENECK', task: { id: s.task.id } });
    expect(found[0]!.messageEn).toContain('waited 5 days');
    expect((await verifyDerived(t.em(), { warnings: t.config.warnings })).differences).toEqual([]);

    ok(await t.gql(REFUSE, { id, comment: 'Tự cân đối kinh phí' }, s.leader));
    expect(await list()).toEqual([]);
    expect((await verifyDerived(t.em(), { warnings: t.config.warnings })).differences).toEqual([]);
  });
});
