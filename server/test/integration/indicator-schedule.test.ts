import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/common/dates.js';
import { Unit } from '../../src/modules/organisations/unit.entity.js';
import { Task } from '../../src/modules/tasks/task.entity.js';
import {
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

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ LOG_LEVEL: 'error' });
});
afterAll(async () => {
  await t.close();
});

const monthly = MONTHLY;

const CREATE_TASK = `mutation($input: CreateTaskInput!) { createTask(input: $input) { id version } }`;
const CREATE = `mutation($input: CreateIndicatorInput!) { createIndicator(input: $input) {
  id version reportSchedule { frequency dueDays } } }`;
const UPDATE = `mutation($input: UpdateIndicatorInput!) { updateIndicator(input: $input) {
  id version reportSchedule { frequency dueDays } } }`;
const SUBMIT = `mutation($input: SubmitReportInput!) { submitReport(input: $input) { created report { id periodKey } } }`;
const WARNINGS = `query($unitId: ID, $kinds: [WarningKind!]) { warnings(unitId: $unitId, kinds: $kinds) {
  nodes { id kind task { id } messageVi messageEn params { periodKey periodDueOn missedPeriods indicatorId indicatorName } } } }`;
const COMPLIANCE = `query($unitId: ID, $resolutionId: ID) { reportingCompliance(unitId: $unitId, resolutionId: $resolutionId) {
  total { onTime late missing due }
  byUnit { own unit { id } figures { onTime late missing due } }
  problems { taskId indicatorId indicatorName periodKey status } } }`;

type Indicated = { id: string; version: number; reportSchedule: unknown };

/** An unscheduled task of the province led by its commune, whose indicator reports monthly. */
async function arrange() {
  const { tree, resolution, plan, focal, leader, reporter } = await scheduleWorld(t);
  const task = ok(
    await t.gql<{ createTask: { id: string; version: number } }>(
      CREATE_TASK,
      {
        input: {
          planId: plan.id,
          title: 'Phủ sóng dịch vụ công trực tuyến',
          leadUnitId: tree.commune.id,
          startOn: p3.startOn,
          dueOn: addDays(today, 400),
        },
      },
      focal.token,
    ),
  ).createTask;
  const indicator = ok(
    await t.gql<{ createIndicator: Indicated }>(
      CREATE,
      { input: { taskId: task.id, name: 'Hồ sơ nộp trực tuyến', unitOfMeasure: '%', target: 80, reportSchedule: monthly } },
      focal.token,
    ),
  ).createIndicator;
  return { tree, resolution, focal, leader, reporter, task, indicator };
}

/** A report giving the indicator a value for `periodKey`, stored as if it arrived on `receivedOn`. */
const pastValue = (taskId: string, indicatorId: string, unit: Unit, authorId: string, periodKey: string, receivedOn: string) =>
  storePastReport(t, { taskId, unit, authorId, receivedOn, value: { indicatorId, periodKey } });
const noWarningDifferences = () => expectNoWarningDifferences(t);

/** A report written now, giving the indicator `value`. */
const submitToday = async (token: string, taskId: string, indicatorId: string, percent: number, value: number) =>
  ok(
    await t.gql(
      SUBMIT,
      { input: { id: randomUUID(), taskId, percent, writtenAt: new Date().toISOString(), values: [{ indicatorId, value }] } },
      token,
    ),
  );

describe('indicator schedules', () => {
  it('keeps an indicator’s own schedule, checked field by field, set and cleared by the assigning unit', async () => {
    const { focal, reporter, task, indicator } = await arrange();
    expect(indicator.reportSchedule).toEqual(monthly);

    const bad = await t.gql(
      UPDATE,
      { input: { id: indicator.id, baseVersion: indicator.version, reportSchedule: { frequency: 'QUARTERLY', dueDays: 367 } } },
      focal.token,
    );
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(fieldOf(bad)).toBe('reportSchedule.dueDays');
    const negative = await t.gql(
      CREATE,
      {
        input: {
          taskId: task.id,
          name: 'Khác',
          unitOfMeasure: '%',
          target: 1,
          reportSchedule: { frequency: 'YEARLY', dueDays: -1 },
        },
      },
      focal.token,
    );
    expect(fieldOf(negative)).toBe('reportSchedule.dueDays');
    const lead = await t.gql(
      UPDATE,
      { input: { id: indicator.id, baseVersion: indicator.version, reportSchedule: null } },
      reporter.token,
    );
    expect(errorCode(lead)).toBe('FORBIDDEN');

    const quarterly = ok(
      await t.gql<{ updateIndicator: Indicated }>(
        UPDATE,
        { input: { id: indicator.id, baseVersion: indicator.version, reportSchedule: { frequency: 'QUARTERLY', dueDays: 10 } } },
        focal.token,
      ),
    ).updateIndicator;
    expect(quarterly.reportSchedule).toEqual({ frequency: 'QUARTERLY', dueDays: 10 });
    // A change of another field keeps the schedule.
    const renamed = ok(
      await t.gql<{ updateIndicator: Indicated }>(
        UPDATE,
        { input: { id: indicator.id, baseVersion: quarterly.version, name: 'Tỷ lệ hồ sơ trực tuyến' } },
        focal.token,
      ),
    ).updateIndicator;
    expect(renamed.reportSchedule).toEqual({ frequency: 'QUARTERLY', dueDays: 10 });
    const cleared = ok(
      await t.gql<{ updateIndicator: Indicated }>(
        UPDATE,
        { input: { id: indicator.id, baseVersion: renamed.version, reportSchedule: null } },
        focal.token,
      ),
    ).updateIndicator;
    expect(cleared.reportSchedule).toBeNull();

    const read = ok(
      await t.gql<{ task: { indicators: { id: string; reportSchedule: unknown }[] } }>(
        `query($id: ID!) { task(id: $id) { indicators { id reportSchedule { frequency dueDays } } } }`,
        { id: task.id },
        focal.token,
      ),
    ).task.indicators;
    expect(read.find((i) => i.id === indicator.id)!.reportSchedule).toBeNull();
    const [history] = await t
      .em()
      .getConnection()
      .execute<{ n: number }[]>(
        `select count(*)::int n from task_history where indicator_id = ? and after ->> 'reportFrequency' is not null`,
        [indicator.id],
      );
    expect(history!.n).toBe(3); // created monthly, made quarterly, renamed (still quarterly)
  });

  it('raises MISSED_REPORT naming the indicator and its period, and counts the indicator’s periods in compliance', async () => {
    const { tree, resolution, leader, reporter, task, indicator } = await arrange();
    const commune = await t.em().findOneOrFail(Unit, { id: tree.commune.id });
    await pastValue(task.id, indicator.id, commune, reporter.account.id, p3.key, p3.endOn); // on time
    await pastValue(task.id, indicator.id, commune, reporter.account.id, p2.key, addDays(p2.endOn, 3)); // late
    await t.drain();

    type W = {
      warnings: {
        nodes: { id: string; task: { id: string }; messageVi: string; messageEn: string; params: Record<string, unknown> }[];
      };
    };
    const list = ok(
      await t.gql<W>(WARNINGS, { unitId: tree.province.id, kinds: ['MISSED_REPORT'] }, leader.token),
    ).warnings.nodes.filter((w) => w.task.id === task.id);
    // The task has no schedule of its own: the one warning is the indicator's.
    expect(list).toHaveLength(1);
    expect(list[0]!.id).toBe(`MISSED_REPORT:${task.id}:${indicator.id}`);
    expect(list[0]!.params).toEqual({
      periodKey: p1.key,
      periodDueOn: p1.endOn,
      missedPeriods: 1,
      indicatorId: indicator.id,
      indicatorName: 'Hồ sơ nộp trực tuyến',
    });
    const [y, m] = p1.key.split('-');
    expect(list[0]!.messageVi).toContain(`Chỉ tiêu «Hồ sơ nộp trực tuyến» thiếu báo cáo kỳ ${m}/${y}`);
    expect(list[0]!.messageEn).toContain(`no report for ${m}/${y}`);
    // The committee task page's warnings say the same.
    const own = ok(
      await t.gql<{ task: { warnings: { id: string; params: { indicatorName: string | null } }[] } }>(
        `query($id: ID!) { task(id: $id) { warnings { id params { indicatorName } } } }`,
        { id: task.id },
        leader.token,
      ),
    ).task.warnings;
    expect(own.map((w) => w.id)).toContain(`MISSED_REPORT:${task.id}:${indicator.id}`);
    await noWarningDifferences();

    type C = {
      reportingCompliance: {
        total: Record<string, number>;
        byUnit: { own: boolean; unit: { id: string }; figures: Record<string, number> }[];
        problems: {
          taskId: string;
          indicatorId: string | null;
          indicatorName: string | null;
          periodKey: string;
          status: string;
        }[];
      };
    };
    const c = ok(
      await t.gql<C>(COMPLIANCE, { unitId: tree.province.id, resolutionId: resolution.id }, leader.token),
    ).reportingCompliance;
    expect(c.total).toEqual({ onTime: 1, late: 1, missing: 1, due: 3 });
    expect(c.byUnit.find((u) => u.unit.id === tree.commune.id)!.figures).toEqual({ onTime: 1, late: 1, missing: 1, due: 3 });
    expect(c.problems.map((p) => [p.indicatorName, p.periodKey, p.status])).toEqual([
      ['Hồ sơ nộp trực tuyến', p1.key, 'MISSING'],
      ['Hồ sơ nộp trực tuyến', p2.key, 'LATE'],
    ]);

    // A report written today with a value for the indicator counts for the period that has just ended.
    await submitToday(reporter.token, task.id, indicator.id, 30, 55);
    const [stored] = await t
      .em()
      .getConnection()
      .execute<{ period_key: string }[]>(
        `select v.period_key from report_indicator_value v join progress_report r on r.id = v.report_id
          where v.indicator_id = ? order by r.received_at desc limit 1`,
        [indicator.id],
      );
    expect(stored!.period_key).toBe(p1.key);
    const after = ok(await t.gql<W>(WARNINGS, { unitId: tree.province.id, kinds: ['MISSED_REPORT'] }, leader.token));
    expect(after.warnings.nodes.filter((w) => w.task.id === task.id)).toEqual([]);
    const again = ok(await t.gql<C>(COMPLIANCE, { unitId: tree.province.id, resolutionId: resolution.id }, leader.token));
    expect(again.reportingCompliance.total).toEqual({ onTime: 1, late: 2, missing: 0, due: 3 });

    // The compliance export names the indicator.
    const res = await fetch(
      `${t.url}/api/exports/compliance.csv?unitId=${tree.province.id}&resolutionId=${resolution.id}&lang=vi`,
      {
        headers: { authorization: `Bearer ${leader.token}` },
      },
    );
    expect(res.status).toBe(200);
    const csv = await res.text();
    expect(csv).toContain('Chỉ tiêu');
    expect(csv).toContain('Hồ sơ nộp trực tuyến');
    await noWarningDifferences();
  });

  it('keeps the task’s own MISSED_REPORT apart from its indicator’s', async () => {
    const { tree, focal, leader, task } = await arrange();
    const base = await t.em().findOneOrFail(Task, { id: task.id });
    ok(
      await t.gql(
        `mutation($input: UpdateTaskInput!) { updateTask(input: $input) { id } }`,
        { input: { id: task.id, baseVersion: base.version, reportSchedule: monthly } },
        focal.token,
      ),
    );
    await t.drain();
    const ids = ok(
      await t.gql<{ warnings: { nodes: { id: string; task: { id: string }; params: { indicatorId: string | null } }[] } }>(
        WARNINGS,
        { unitId: tree.province.id, kinds: ['MISSED_REPORT'] },
        leader.token,
      ),
    )
      .warnings.nodes.filter((w) => w.task.id === task.id)
      .map((w) => w.id)
      .sort();
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(`MISSED_REPORT:${task.id}`);
    expect(ids[1]).toMatch(new RegExp(`^MISSED_REPORT:${task.id}:[0-9a-f-]{36}$`));
    await noWarningDifferences();
  });

  it('sends an indicator’s schedule to the phone, from its task’s first day', async () => {
    const { reporter, task, indicator } = await arrange();
    await submitToday(reporter.token, task.id, indicator.id, 5, 12);
    const pull = ok(
      await t.gql<{
        syncPull: {
          tasks: { id: string; indicators: { id: string; reportSchedule: unknown }[] }[];
          reports: { taskId: string; values: { indicatorId: string; periodKey: string | null }[] }[];
        };
      }>(
        `query($input: SyncPullInput!) { syncPull(input: $input) {
           tasks { id indicators { id reportSchedule { frequency dueDays fromOn } } }
           reports { taskId values { indicatorId periodKey } } } }`,
        { input: { protocolVersion: 4, clientId: randomUUID(), cursor: null } },
        reporter.token,
      ),
    ).syncPull;
    const synced = pull.tasks.find((x) => x.id === task.id)!.indicators.find((i) => i.id === indicator.id)!;
    expect(synced.reportSchedule).toEqual({ ...monthly, fromOn: p3.startOn });
    // Each value says which indicator period the server counted it for.
    expect(pull.reports.filter((r) => r.taskId === task.id).flatMap((r) => r.values)).toEqual([
      { indicatorId: indicator.id, periodKey: p1.key },
    ]);
  });
});
