import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/common/dates.js';
import { Role } from '../../src/modules/accounts/role.js';
import { applyBatch } from '../../src/modules/derived/derived-apply.js';
import { Unit } from '../../src/modules/organisations/unit.entity.js';
import { periodContaining } from '../../src/modules/tasks/report-schedule.js';
import { Task } from '../../src/modules/tasks/task.entity.js';
import {
  before,
  current,
  expectNoWarningDifferences,
  fieldOf,
  MONTHLY,
  p1,
  p2,
  p3,
  scheduleWorld,
  storePastReport,
  today,
} from '../support/report-periods.js';
import { createTestApp, errorCode, ok, type TestApp } from '../support/test-app.js';
import { buildPlan, buildTask, buildTree, tokenFor } from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ LOG_LEVEL: 'error' });
});
afterAll(async () => {
  await t.close();
});

const schedule = MONTHLY;

const CREATE = `mutation($input: CreateTaskInput!) { createTask(input: $input) { id version reportSchedule { frequency dueDays } } }`;
const UPDATE = `mutation($input: UpdateTaskInput!) { updateTask(input: $input) { id version reportSchedule { frequency dueDays } } }`;
const SUBMIT = `mutation($input: SubmitReportInput!) { submitReport(input: $input) { created report { id periodKey } } }`;
const WARNINGS = `query($unitId: ID, $kinds: [WarningKind!]) { warnings(unitId: $unitId, kinds: $kinds) {
  totalCount nodes { kind task { id } messageVi messageEn params { periodKey periodDueOn missedPeriods } } } }`;
const COMPLIANCE = `query($unitId: ID, $resolutionId: ID) { reportingCompliance(unitId: $unitId, resolutionId: $resolutionId) {
  today total { onTime late missing due onTimeRate }
  byUnit { own unit { id } figures { onTime late missing due } }
  problems { taskId periodKey dueOn receivedOn status unit { id } } } }`;

async function arrange() {
  const { tree, resolution, plan, focal, leader, reporter } = await scheduleWorld(t);
  await buildPlan(t.em(), tree.province, { resolution });
  const created = ok(
    await t.gql<{ createTask: { id: string; version: number; reportSchedule: unknown } }>(
      CREATE,
      {
        input: {
          planId: plan.id,
          title: 'Báo cáo chuyển đổi số hằng tháng',
          leadUnitId: tree.commune.id,
          startOn: p3.startOn,
          dueOn: addDays(today, 400),
          reportSchedule: schedule,
        },
      },
      focal.token,
    ),
  ).createTask;
  return { tree, resolution, focal, leader, reporter, task: created };
}

const pastReport = (taskId: string, unit: Unit, authorId: string, periodKey: string, receivedOn: string) =>
  storePastReport(t, { taskId, unit, authorId, periodKey, receivedOn });
const noWarningDifferences = () => expectNoWarningDifferences(t);

describe('periodic reporting', () => {
  it('keeps a schedule on a task, set and cleared by the assigning unit only', async () => {
    const { reporter, focal, task } = await arrange();
    expect(task.reportSchedule).toEqual(schedule);
    const lead = await t.gql(UPDATE, { input: { id: task.id, baseVersion: task.version, reportSchedule: null } }, reporter.token);
    expect(errorCode(lead)).toBe('FORBIDDEN');
    const bad = await t.gql(
      UPDATE,
      { input: { id: task.id, baseVersion: task.version, reportSchedule: { frequency: 'QUARTERLY', dueDays: 400 } } },
      focal.token,
    );
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(fieldOf(bad)).toBe('reportSchedule.dueDays');
    const quarterly = ok(
      await t.gql<{ updateTask: { version: number; reportSchedule: unknown } }>(
        UPDATE,
        { input: { id: task.id, baseVersion: task.version, reportSchedule: { frequency: 'QUARTERLY', dueDays: 10 } } },
        focal.token,
      ),
    ).updateTask;
    expect(quarterly.reportSchedule).toEqual({ frequency: 'QUARTERLY', dueDays: 10 });
    const cleared = ok(
      await t.gql<{ updateTask: { reportSchedule: unknown } }>(
        UPDATE,
        { input: { id: task.id, baseVersion: quarterly.version, reportSchedule: null } },
        focal.token,
      ),
    ).updateTask;
    expect(cleared.reportSchedule).toBeNull();
    const [history] = await t
      .em()
      .getConnection()
      .execute<{ n: number }[]>(
        `select count(*)::int n from task_history where task_id = ? and jsonb_exists(after, 'reportFrequency')`,
        [task.id],
      );
    expect(history!.n).toBe(3); // created with it, changed, cleared
  });

  it('lets only the assigning unit’s focal officers set a schedule, by role and position as the scope matrix checks', async () => {
    // updateTask has one scope-matrix entry (a lead-unit field); the schedule is an assigner-only
    // field, so its own answers by role and position are checked here.
    const tree = await buildTree(t.em());
    const positions = {
      unit: tree.commune,
      parent: tree.province,
      child: tree.cell,
      sibling: tree.siblingCommune,
      otherProvince: tree.otherCommune,
    };
    const roles = [Role.ADMIN, Role.LEADER, Role.FOCAL, Role.REPORTER, Role.VIEWER];
    const expected: Record<string, string> = {};
    const actual: Record<string, string> = {};
    for (const [position, unit] of Object.entries(positions)) {
      for (const role of roles) {
        const key = `${role}@${position}`;
        const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell });
        const viewer = await tokenFor(t, unit, [role]);
        const res = await t.gql(
          UPDATE,
          { input: { id: task.id, baseVersion: task.version, reportSchedule: { frequency: 'MONTHLY', dueDays: 5 } } },
          viewer.token,
        );
        actual[key] = res.errors?.length ? String(errorCode(res)) : 'ALLOW';
        expected[key] = ['sibling', 'otherProvince'].includes(position)
          ? 'NOT_FOUND'
          : role === Role.FOCAL && position === 'unit'
            ? 'ALLOW'
            : 'FORBIDDEN';
      }
    }
    expect(actual).toEqual(expected);
  });

  it('gives each report its period, checks it, and fills it in when left out', async () => {
    const { reporter, task } = await arrange();
    const submit = (over: Record<string, unknown>) =>
      t.gql<{ submitReport: { report: { periodKey: string | null } } }>(
        SUBMIT,
        { input: { id: randomUUID(), taskId: task.id, percent: 10, writtenAt: new Date().toISOString(), ...over } },
        reporter.token,
      );
    expect(ok(await submit({ periodKey: p2.key })).submitReport.report.periodKey).toBe(p2.key);
    expect(ok(await submit({})).submitReport.report.periodKey).toBe(p1.key);
    const future = await submit({ periodKey: periodContaining(schedule, addDays(current.endOn, 1)).key });
    expect(errorCode(future)).toBe('BAD_USER_INPUT');
    expect(fieldOf(future)).toBe('periodKey');
    const before = await submit({ periodKey: before3() });
    expect(fieldOf(before)).toBe('periodKey');
    expect(fieldOf(await submit({ periodKey: 'tháng 11' }))).toBe('periodKey');
  });

  it('raises MISSED_REPORT for a period past due without a report, and counts compliance by unit', async () => {
    const { tree, resolution, leader, reporter, task } = await arrange();
    const commune = await t.em().findOneOrFail(Unit, { id: tree.commune.id });
    await pastReport(task.id, commune, reporter.account.id, p3.key, p3.endOn); // on time (due the last day)
    await pastReport(task.id, commune, reporter.account.id, p2.key, addDays(p2.endOn, 3)); // late
    await t.drain();

    const list = ok(
      await t.gql<{
        warnings: {
          nodes: { kind: string; task: { id: string }; messageVi: string; messageEn: string; params: Record<string, unknown> }[];
        };
      }>(WARNINGS, { unitId: tree.province.id, kinds: ['MISSED_REPORT'] }, leader.token),
    ).warnings.nodes.filter((w) => w.task.id === task.id);
    expect(list).toHaveLength(1);
    expect(list[0]!.params).toEqual({ periodKey: p1.key, periodDueOn: p1.endOn, missedPeriods: 1 });
    const [y, m] = p1.key.split('-');
    expect(list[0]!.messageVi).toContain(`kỳ ${m}/${y}`);
    expect(list[0]!.messageEn).toContain(`No report for ${m}/${y}`);
    await noWarningDifferences();

    type C = {
      reportingCompliance: {
        total: Record<string, number | null>;
        byUnit: { own: boolean; unit: { id: string }; figures: Record<string, number> }[];
        problems: { taskId: string; periodKey: string; status: string; receivedOn: string | null }[];
      };
    };
    const c = ok(
      await t.gql<C>(COMPLIANCE, { unitId: tree.province.id, resolutionId: resolution.id }, leader.token),
    ).reportingCompliance;
    expect(c.total).toEqual({ onTime: 1, late: 1, missing: 1, due: 3, onTimeRate: 1 / 3 });
    const communeLine = c.byUnit.find((u) => u.unit.id === tree.commune.id)!;
    expect(communeLine.figures).toEqual({ onTime: 1, late: 1, missing: 1, due: 3 });
    expect(c.byUnit.find((u) => u.unit.id === tree.siblingCommune.id)!.figures.due).toBe(0);
    expect(c.problems.map((p) => [p.periodKey, p.status])).toEqual([
      [p1.key, 'MISSING'],
      [p2.key, 'LATE'],
    ]);
    // Drill-down: the commune's own view has the task as its own line.
    const down = ok(await t.gql<C>(COMPLIANCE, { unitId: tree.commune.id }, leader.token)).reportingCompliance;
    expect(down.byUnit.find((u) => u.own)!.figures.missing).toBe(1);
    // Another province sees nothing of it.
    const other = await tokenFor(t, tree.otherProvince, [Role.LEADER]);
    expect(errorCode(await t.gql(COMPLIANCE, { unitId: tree.province.id }, other.token))).toBe('NOT_FOUND');

    // The missing period is reported: the warning goes, the period counts late.
    ok(
      await t.gql(
        SUBMIT,
        { input: { id: randomUUID(), taskId: task.id, percent: 30, writtenAt: new Date().toISOString(), periodKey: p1.key } },
        reporter.token,
      ),
    );
    const after = ok(
      await t.gql<{ warnings: { nodes: { task: { id: string } }[] } }>(
        WARNINGS,
        { unitId: tree.province.id, kinds: ['MISSED_REPORT'] },
        leader.token,
      ),
    );
    expect(after.warnings.nodes.filter((w) => w.task.id === task.id)).toEqual([]);
    const again = ok(await t.gql<C>(COMPLIANCE, { unitId: tree.province.id, resolutionId: resolution.id }, leader.token));
    expect(again.reportingCompliance.total).toMatchObject({ onTime: 1, late: 2, missing: 0 });

    // The export carries the figures and the late periods.
    const res = await fetch(
      `${t.url}/api/exports/compliance.csv?unitId=${tree.province.id}&resolutionId=${resolution.id}&lang=en`,
      {
        headers: { authorization: `Bearer ${leader.token}` },
      },
    );
    expect(res.status).toBe(200);
    const csv = await res.text();
    expect(csv).toContain('Periods due');
    expect(csv).toContain('Báo cáo chuyển đổi số hằng tháng');
    await noWarningDifferences();
  });

  it('brings the warning in on the day after a period’s report falls due, through the task’s clock', async () => {
    const { reporter, task } = await arrange();
    const commune = (await t.em().findOneOrFail(Task, { id: task.id }, { populate: ['leadUnit'] })).leadUnit.getEntity();
    for (const p of [p3, p2, p1]) await pastReport(task.id, commune, reporter.account.id, p.key, p.endOn);
    await t.drain();
    const conn = t.em().getConnection();
    const facts = () =>
      conn.execute<{ n: number }[]>(`select count(*)::int n from warning_fact where task_id = ? and kind = 'MISSED_REPORT'`, [
        task.id,
      ]);
    expect((await facts())[0]!.n).toBe(0);
    const [clock] = await conn.execute<{ next_on: string }[]>(
      `select to_char(next_on, 'YYYY-MM-DD') next_on from warning_clock where task_id = ?`,
      [task.id],
    );
    expect(clock!.next_on <= addDays(current.endOn, 1)).toBe(true);
    // The calendar moves past the current period's due day: only the clock brings the task in.
    const tomorrow = addDays(current.endOn, 1);
    await t
      .em()
      .fork()
      .transactional((tx) => applyBatch(tx, 5000, { warnings: t.config.warnings, today: tomorrow }));
    expect((await facts())[0]!.n).toBeGreaterThan(0);
    // Back to today's facts for the other checks.
    await conn.execute(`update warning_clock set next_on = '-infinity' where task_id = ?`, [task.id]);
    await t
      .em()
      .fork()
      .transactional((tx) => applyBatch(tx, 5000, { warnings: t.config.warnings }));
    expect((await facts())[0]!.n).toBe(0);
  });

  it('sends the schedule and each report’s period to the phone', async () => {
    const { reporter, task } = await arrange();
    ok(
      await t.gql(
        SUBMIT,
        { input: { id: randomUUID(), taskId: task.id, percent: 5, writtenAt: new Date().toISOString(), periodKey: p1.key } },
        reporter.token,
      ),
    );
    const pull = ok(
      await t.gql<{
        syncPull: { tasks: { id: string; reportSchedule: unknown }[]; reports: { taskId: string; periodKey: string }[] };
      }>(
        `query($input: SyncPullInput!) { syncPull(input: $input) {
           tasks { id reportSchedule { frequency dueDays fromOn } } reports { taskId periodKey } } }`,
        { input: { protocolVersion: 2, clientId: randomUUID(), cursor: null } },
        reporter.token,
      ),
    ).syncPull;
    expect(pull.tasks.find((x) => x.id === task.id)!.reportSchedule).toEqual({ ...schedule, fromOn: p3.startOn });
    expect(pull.reports.filter((r) => r.taskId === task.id).map((r) => r.periodKey)).toEqual([p1.key]);
  });
});

function before3() {
  return before(p3).key;
}
