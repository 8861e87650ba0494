import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/modules/accounts/role.js';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity.js';
import { Notification } from '../../src/modules/notifications/notification.entity.js';
import { ProgressReport } from '../../src/modules/reports/progress-report.entity.js';
import { ReportIndicatorValue } from '../../src/modules/reports/report-indicator-value.entity.js';
import { Task } from '../../src/modules/tasks/task.entity.js';
import { buildAccount, buildIndicator, buildTask, buildTree, tokenFor, viewerOf } from '../support/factories.js';
import { createTestApp, errorCode, ok, type TestApp } from '../support/test-app.js';

let t: TestApp;
let tree: Awaited<ReturnType<typeof buildTree>>;

beforeAll(async () => {
  t = await createTestApp();
  tree = await buildTree(t.em());
});
afterAll(() => t.close());

const SUBMIT = `mutation($input: SubmitReportInput!) {
  submitReport(input: $input) { created report { id percent state flaggedReassigned values { indicatorId value } } }
}`;

interface Submitted {
  submitReport: { created: boolean; report: { id: string; percent: number; state: string; flaggedReassigned: boolean } };
}

const reportInput = (taskId: string, over: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  taskId,
  percent: 40,
  values: [],
  narrative: 'Đã triển khai tại 3 thôn',
  hasObstacles: false,
  writtenAt: new Date().toISOString(),
  ...over,
});

const rowsFor = async (taskId: string) => ({
  reports: await t.em().count(ProgressReport, { task: taskId }),
  values: await t.em().count(ReportIndicatorValue, { report: { task: taskId } }),
});

describe('submitReport', () => {
  it('stores a report once, answering the same id again with the original', async () => {
    const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell });
    const indicator = await buildIndicator(t.em(), task);
    const { token, account } = await tokenFor(t, tree.cell, [Role.REPORTER]);
    const leader = await buildAccount(t.em(), tree.commune, [Role.LEADER]);
    const input = reportInput(task.id, { values: [{ indicatorId: indicator.id, value: 12 }] });
    const first = ok(await t.gql<Submitted>(SUBMIT, { input }, token));
    const again = ok(await t.gql<Submitted>(SUBMIT, { input: { ...input, percent: 90 } }, token));
    expect(first.submitReport.created).toBe(true);
    expect(again.submitReport).toEqual({ ...first.submitReport, created: false });
    expect(await rowsFor(task.id)).toEqual({ reports: 1, values: 1 });

    const em = t.em();
    const stored = await em.findOneOrFail(Task, { id: task.id });
    expect(stored.lastReportAt).toBeInstanceOf(Date);
    expect(await em.count(AuditEvent, { action: 'report.submit', entityId: input.id })).toBe(1);
    const notices = await em.find(Notification, { report: input.id });
    expect(notices.map((n) => n.account.id)).toEqual([leader.id]);
    expect(notices.map((n) => n.account.id)).not.toContain(account.id);
  });

  it('stores one row when two transactions submit the same id together', async () => {
    const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell });
    const account = await buildAccount(t.em(), tree.cell, [Role.REPORTER]);
    const viewer = viewerOf(account, tree.cell);
    const input = { ...reportInput(task.id), writtenAt: new Date() };
    const results = await Promise.all(
      [0, 1, 2].map(() => t.app.services.reports.submit(t.em(), viewer, { ...input, values: [] })),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.report.id))).toEqual(new Set([input.id]));
    expect(await rowsFor(task.id)).toEqual({ reports: 1, values: 0 });
    expect(await t.em().count(AuditEvent, { action: 'report.submit', entityId: input.id })).toBe(1);
  });

  it.each([
    ['percent', { percent: 101 }],
    ['percent', { percent: -1 }],
    ['writtenAt', { writtenAt: new Date(Date.now() + 60 * 60 * 1000).toISOString() }],
    ['narrative', { narrative: 'x'.repeat(10_001) }],
    ['obstacles', { hasObstacles: true, obstacles: '' }],
    ['obstacles', { hasObstacles: true, obstacles: 'y'.repeat(5_001) }],
    ['id', { id: 'not-a-uuid' }],
  ])('refuses a bad %s and stores nothing', async (field, over) => {
    const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell });
    const { token } = await tokenFor(t, tree.cell, [Role.REPORTER]);
    const res = await t.gql(SUBMIT, { input: reportInput(task.id, over) }, token);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.extensions!.field).toBe(field);
    expect(await rowsFor(task.id)).toEqual({ reports: 0, values: 0 });
  });

  it('refuses a value for an indicator of another task', async () => {
    const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell });
    const other = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell });
    const foreign = await buildIndicator(t.em(), other);
    const { token } = await tokenFor(t, tree.cell, [Role.REPORTER]);
    const res = await t.gql(SUBMIT, { input: reportInput(task.id, { values: [{ indicatorId: foreign.id, value: 1 }] }) }, token);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.extensions!.field).toBe('values');
    expect(await rowsFor(task.id)).toEqual({ reports: 0, values: 0 });
  });

  it('answers an unknown task and a task of another unit outside the subtree with NOT_FOUND', async () => {
    const hidden = await buildTask(t.em(), { assigner: tree.commune, lead: tree.siblingCell });
    const { token } = await tokenFor(t, tree.cell, [Role.REPORTER]);
    expect(errorCode(await t.gql(SUBMIT, { input: reportInput(randomUUID()) }, token))).toBe('NOT_FOUND');
    expect(errorCode(await t.gql(SUBMIT, { input: reportInput(hidden.id) }, token))).toBe('NOT_FOUND');
    expect(await rowsFor(hidden.id)).toEqual({ reports: 0, values: 0 });
  });

  it('refuses a visible task not assigned to the reporter’s unit, and a viewer without a reporting role', async () => {
    const below = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell });
    const { token: communeFocal } = await tokenFor(t, tree.commune, [Role.FOCAL]);
    expect(errorCode(await t.gql(SUBMIT, { input: reportInput(below.id) }, communeFocal))).toBe('FORBIDDEN');
    const { token: cellViewer } = await tokenFor(t, tree.cell, [Role.VIEWER]);
    expect(errorCode(await t.gql(SUBMIT, { input: reportInput(below.id) }, cellViewer))).toBe('FORBIDDEN');
    expect(await rowsFor(below.id)).toEqual({ reports: 0, values: 0 });
  });

  it('keeps and flags a report written before the task was reassigned away', async () => {
    const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell });
    const { token } = await tokenFor(t, tree.cell, [Role.REPORTER]);
    const writtenAt = new Date(Date.now() - 5 * 60 * 1000);
    await new Promise((r) => setTimeout(r, 5));
    const { token: focal } = await tokenFor(t, tree.commune, [Role.FOCAL]);
    ok(
      await t.gql(
        `mutation($input: ReassignTaskInput!) { reassignTask(input: $input) { id } }`,
        { input: { id: task.id, baseVersion: 1, leadUnitId: tree.siblingCell.id, reason: 'Điều chỉnh phân công' } },
        focal,
      ),
    );
    // The backdated report predates the reassignment only if the task was assigned before it.
    await t
      .em()
      .execute(`update task_assignment set assigned_at = assigned_at - interval '1 hour' where task_id = ? and unit_id = ?`, [
        task.id,
        tree.cell.id,
      ]);
    const res = ok(
      await t.gql<Submitted>(SUBMIT, { input: reportInput(task.id, { writtenAt: writtenAt.toISOString() }) }, token),
    );
    expect(res.submitReport.created).toBe(true);
    expect(res.submitReport.report.flaggedReassigned).toBe(true);
  });

  it('answers a returned report only with a report of the same task', async () => {
    const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell });
    const { token } = await tokenFor(t, tree.cell, [Role.REPORTER]);
    const first = ok(await t.gql<Submitted>(SUBMIT, { input: reportInput(task.id) }, token));
    const notReturned = await t.gql(
      SUBMIT,
      { input: reportInput(task.id, { answersReportId: first.submitReport.report.id }) },
      token,
    );
    expect(errorCode(notReturned)).toBe('BAD_USER_INPUT');
    expect(notReturned.errors![0]!.extensions!.field).toBe('answersReportId');
    expect(await rowsFor(task.id)).toEqual({ reports: 1, values: 0 });
  });
});
