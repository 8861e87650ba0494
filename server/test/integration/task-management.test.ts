import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/modules/accounts/role.js';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity.js';
import { Indicator } from '../../src/modules/indicators/indicator.entity.js';
import { Notification, NotificationKind } from '../../src/modules/notifications/notification.entity.js';
import { ActionPlan } from '../../src/modules/plans/action-plan.entity.js';
import { Resolution } from '../../src/modules/resolutions/resolution.entity.js';
import { Task } from '../../src/modules/tasks/task.entity.js';
import { TaskHistory } from '../../src/modules/tasks/task-history.entity.js';
import {
  buildAccount,
  buildIndicator,
  buildReport,
  buildResolution,
  buildTask,
  buildTree,
  tokenFor,
} from '../support/factories.js';
import { createTestApp, errorCode, ok, type TestApp } from '../support/test-app.js';

let t: TestApp;
let tree: Awaited<ReturnType<typeof buildTree>>;

beforeAll(async () => {
  t = await createTestApp();
  tree = await buildTree(t.em());
});
afterAll(() => t.close());

const CREATE_RESOLUTION = `mutation($input: CreateResolutionInput!) { createResolution(input: $input) { id code } }`;
const CREATE_PLAN = `mutation($input: CreateActionPlanInput!) { createActionPlan(input: $input) { id } }`;
const UPDATE_INDICATOR = `mutation($input: UpdateIndicatorInput!) { updateIndicator(input: $input) { id target version } }`;
const REASSIGN = `mutation($input: ReassignTaskInput!) { reassignTask(input: $input) { id version leadUnit { id } } }`;
const RESCHEDULE = `mutation($input: RescheduleTaskInput!) { rescheduleTask(input: $input) { id dueOn version } }`;
const CANCEL = `mutation($input: CancelTaskInput!) { cancelTask(input: $input) { id status } }`;

const resolutionInput = (code: string) => ({ code, titleVi: 'Nghị quyết', titleEn: 'Resolution', issuedOn: '2025-01-01' });

describe('resolutions and plans', () => {
  it('lets only central administrators add resolutions, with unique codes', async () => {
    const { token: central } = await tokenFor(t, tree.central, [Role.ADMIN]);
    const { token: provincial } = await tokenFor(t, tree.province, [Role.ADMIN]);
    const before = await t.em().count(Resolution, {});
    expect(errorCode(await t.gql(CREATE_RESOLUTION, { input: resolutionInput('100-NQ/TW') }, provincial))).toBe('FORBIDDEN');
    ok(await t.gql(CREATE_RESOLUTION, { input: resolutionInput('100-NQ/TW') }, central));
    expect(errorCode(await t.gql(CREATE_RESOLUTION, { input: resolutionInput('100-NQ/TW') }, central))).toBe('CONFLICT');
    const blank = await t.gql(CREATE_RESOLUTION, { input: { ...resolutionInput('101-NQ/TW'), titleVi: ' ' } }, central);
    expect(blank.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'titleVi' });
    expect(await t.em().count(Resolution, {})).toBe(before + 1);
  });

  it('lets focal officers create their own unit’s plan, with a period that makes sense', async () => {
    const resolution = await buildResolution(t.em());
    const { token: focal } = await tokenFor(t, tree.commune, [Role.FOCAL]);
    const { token: reporter } = await tokenFor(t, tree.commune, [Role.REPORTER]);
    const input = {
      resolutionId: resolution.id,
      title: 'Kế hoạch của phường',
      periodStart: '2025-01-01',
      periodEnd: '2026-12-31',
    };
    expect(errorCode(await t.gql(CREATE_PLAN, { input }, reporter))).toBe('FORBIDDEN');
    const backwards = await t.gql(CREATE_PLAN, { input: { ...input, periodEnd: '2024-01-01' } }, focal);
    expect(backwards.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'periodEnd' });
    const plan = ok(await t.gql<{ createActionPlan: { id: string } }>(CREATE_PLAN, { input }, focal)).createActionPlan;
    const stored = await t.em().findOneOrFail(ActionPlan, { id: plan.id });
    expect(stored.ownerUnit.id).toBe(tree.commune.id);
    expect(await t.em().count(ActionPlan, { resolution: resolution.id })).toBe(1);
    expect(await t.em().count(AuditEvent, { action: 'plan.create', entityId: plan.id })).toBe(1);
  });
});

describe('indicators', () => {
  it('needs a reason once the task has reports, and keeps the change in the history', async () => {
    const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell });
    const indicator = await buildIndicator(t.em(), task, { target: 100 });
    const reporter = await buildAccount(t.em(), tree.cell, [Role.REPORTER]);
    await buildReport(t.em(), task, reporter);
    const { token } = await tokenFor(t, tree.commune, [Role.FOCAL]);
    const noReason = await t.gql(UPDATE_INDICATOR, { input: { id: indicator.id, baseVersion: 1, target: 150 } }, token);
    expect(noReason.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    expect((await t.em().findOneOrFail(Indicator, { id: indicator.id })).target).toBe(100);
    const changed = ok(
      await t.gql<{ updateIndicator: { target: number; version: number } }>(
        UPDATE_INDICATOR,
        { input: { id: indicator.id, baseVersion: 1, target: 150, reason: 'Điều chỉnh theo chỉ đạo của tỉnh' } },
        token,
      ),
    );
    expect(changed.updateIndicator).toMatchObject({ target: 150, version: 2 });
    const history = await t.em().find(TaskHistory, { task: task.id, indicatorId: indicator.id });
    expect(history.map((h) => [h.kind, h.reason, h.before?.target, h.after?.target])).toEqual([
      ['INDICATOR_UPDATED', 'Điều chỉnh theo chỉ đạo của tỉnh', 100, 150],
    ]);
    const stale = await t.gql(UPDATE_INDICATOR, { input: { id: indicator.id, baseVersion: 1, target: 10, reason: 'x' } }, token);
    expect(errorCode(stale)).toBe('CONFLICT');
  });

  it('lets only the assigning unit set targets', async () => {
    const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell });
    const { token: lead } = await tokenFor(t, tree.cell, [Role.FOCAL]);
    const { token: stranger } = await tokenFor(t, tree.siblingCommune, [Role.FOCAL]);
    const input = { taskId: task.id, name: 'Chỉ tiêu', unitOfMeasure: '%', target: 100 };
    const create = `mutation($input: CreateIndicatorInput!) { createIndicator(input: $input) { id } }`;
    expect(errorCode(await t.gql(create, { input }, lead))).toBe('FORBIDDEN');
    expect(errorCode(await t.gql(create, { input }, stranger))).toBe('NOT_FOUND');
    expect(await t.em().count(Indicator, { task: task.id })).toBe(0);
  });
});

describe('indicator due dates', () => {
  const CREATE = `mutation($input: CreateIndicatorInput!) { createIndicator(input: $input) { id dueOn } }`;

  it('sets an indicator’s due date by its task’s at the latest, naming the field when refused', async () => {
    const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell, dueOn: '2026-12-31' });
    const { token } = await tokenFor(t, tree.commune, [Role.FOCAL]);
    const input = { taskId: task.id, name: 'Hộ dùng VNeID', unitOfMeasure: 'hộ', target: 120, dueOn: '2026-11-30' };
    const late = await t.gql(CREATE, { input: { ...input, dueOn: '2027-01-01' } }, token);
    expect(late.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'dueOn' });
    expect(late.errors![0]!.message).toContain('2026-12-31');
    const notADay = await t.gql(CREATE, { input: { ...input, dueOn: '2026-02-30' } }, token);
    expect(notADay.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.dueOn' });
    expect(await t.em().count(Indicator, { task: task.id })).toBe(0);

    const created = ok(await t.gql<{ createIndicator: { id: string; dueOn: string } }>(CREATE, { input }, token));
    expect(created.createIndicator.dueOn).toBe('2026-11-30');
    const audit = await t.em().findOneOrFail(AuditEvent, { action: 'indicator.created', entityId: created.createIndicator.id });
    expect(audit.after).toMatchObject({ dueOn: '2026-11-30' });

    const moveLate = await t.gql(
      UPDATE_INDICATOR,
      { input: { id: created.createIndicator.id, baseVersion: 1, dueOn: '2027-02-01' } },
      token,
    );
    expect(moveLate.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'dueOn' });
    const stored = await t.em().findOneOrFail(Indicator, { id: created.createIndicator.id }, { refresh: true });
    expect([stored.dueOn, stored.version]).toEqual(['2026-11-30', 1]);
  });

  it('lets only the assigning unit date a target, and hides another subtree’s indicator', async () => {
    const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell, dueOn: '2026-12-31' });
    const indicator = await buildIndicator(t.em(), task, { dueOn: '2026-10-01' });
    const { token: lead } = await tokenFor(t, tree.cell, [Role.FOCAL]);
    const { token: stranger } = await tokenFor(t, tree.siblingCommune, [Role.FOCAL]);
    const input = { id: indicator.id, baseVersion: 1, dueOn: '2026-11-01' };
    expect(errorCode(await t.gql(UPDATE_INDICATOR, { input }, lead))).toBe('FORBIDDEN');
    expect(errorCode(await t.gql(UPDATE_INDICATOR, { input }, stranger))).toBe('NOT_FOUND');
    const create = { taskId: task.id, name: 'Chỉ tiêu', unitOfMeasure: '%', target: 100, dueOn: '2026-11-01' };
    expect(errorCode(await t.gql(CREATE, { input: create }, stranger))).toBe('NOT_FOUND');
    const stored = await t.em().findOneOrFail(Indicator, { id: indicator.id }, { refresh: true });
    expect(stored.dueOn).toBe('2026-10-01');
    expect(await t.em().count(Indicator, { task: task.id })).toBe(1);
  });
});

describe('reassign, reschedule and cancel', () => {
  it('reassigns within the assigner’s subtree, keeping the history and telling the new unit', async () => {
    const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell });
    const newcomer = await buildAccount(t.em(), tree.siblingCell, [Role.REPORTER]);
    const { token: focal } = await tokenFor(t, tree.commune, [Role.FOCAL]);
    const { token: leadFocal } = await tokenFor(t, tree.cell, [Role.FOCAL]);
    const input = { id: task.id, baseVersion: 1, leadUnitId: tree.siblingCell.id, reason: 'Chi bộ 2 gần địa bàn hơn' };
    expect(errorCode(await t.gql(REASSIGN, { input }, leadFocal))).toBe('FORBIDDEN');
    expect(errorCode(await t.gql(REASSIGN, { input: { ...input, leadUnitId: tree.otherCommune.id } }, focal))).toBe('NOT_FOUND');
    expect(errorCode(await t.gql(REASSIGN, { input: { ...input, reason: '' } }, focal))).toBe('BAD_USER_INPUT');
    const res = ok(await t.gql<{ reassignTask: { version: number; leadUnit: { id: string } } }>(REASSIGN, { input }, focal));
    expect(res.reassignTask).toEqual({ id: task.id, version: 2, leadUnit: { id: tree.siblingCell.id } });
    expect(errorCode(await t.gql(REASSIGN, { input: { ...input, leadUnitId: tree.cell.id } }, focal))).toBe('CONFLICT');
    const periods = await t
      .em()
      .execute<{ unit_id: string; ended_at: Date | null }[]>(
        `select unit_id, ended_at from task_assignment where task_id = ? order by id`,
        [task.id],
      );
    expect(periods.map((p) => [p.unit_id, p.ended_at !== null])).toEqual([
      [tree.cell.id, true],
      [tree.siblingCell.id, false],
    ]);
    expect(await t.em().count(Notification, { task: task.id, account: newcomer.id, kind: NotificationKind.TASK_ASSIGNED })).toBe(
      1,
    );
    const history = await t.em().find(TaskHistory, { task: task.id });
    expect(history.map((h) => [h.kind, h.reason])).toEqual([['REASSIGNED', 'Chi bộ 2 gần địa bàn hơn']]);
  });

  it('reschedules with a reason, within the parent’s due date', async () => {
    const parent = await buildTask(t.em(), { assigner: tree.province, lead: tree.commune, dueOn: '2030-06-30' });
    const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell, parent, dueOn: '2030-03-01' });
    const { token } = await tokenFor(t, tree.commune, [Role.FOCAL]);
    const late = await t.gql(
      RESCHEDULE,
      { input: { id: task.id, baseVersion: 1, dueOn: '2030-08-01', reason: 'Mưa bão' } },
      token,
    );
    expect(late.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'dueOn' });
    const res = ok(
      await t.gql<{ rescheduleTask: { dueOn: string } }>(
        RESCHEDULE,
        { input: { id: task.id, baseVersion: 1, dueOn: '2030-05-01', reason: 'Mưa bão' } },
        token,
      ),
    );
    expect(res.rescheduleTask.dueOn).toBe('2030-05-01');
    const [entry] = await t.em().find(TaskHistory, { task: task.id });
    expect(entry).toMatchObject({ kind: 'RESCHEDULED', reason: 'Mưa bão', before: { dueOn: '2030-03-01' } });
  });

  it('sets the start date on create and reschedule, refusing one after the due date by naming startOn', async () => {
    const parent = await buildTask(t.em(), { assigner: tree.province, lead: tree.commune, dueOn: '2030-06-30' });
    const { token } = await tokenFor(t, tree.commune, [Role.FOCAL]);
    const CREATE = `mutation($input: CreateTaskInput!) { createTask(input: $input) { id startOn dueOn version } }`;
    const input = { parentId: parent.id, title: 'Khảo sát hiện trạng', leadUnitId: tree.cell.id, dueOn: '2030-03-01' };
    const bad = await t.gql(CREATE, { input: { ...input, startOn: '2030-03-02' } }, token);
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'startOn' });
    expect(bad.errors![0]!.message).toContain('2030-03-02');
    const created = ok(
      await t.gql<{ createTask: { id: string; startOn: string; version: number } }>(
        CREATE,
        { input: { ...input, startOn: '2030-01-15' } },
        token,
      ),
    ).createTask;
    expect(created.startOn).toBe('2030-01-15');
    const RESCHEDULE_START = `mutation($input: RescheduleTaskInput!) { rescheduleTask(input: $input) { startOn dueOn } }`;
    const late = await t.gql(
      RESCHEDULE_START,
      { input: { id: created.id, baseVersion: created.version, startOn: '2030-04-01', dueOn: '2030-03-15', reason: 'Lùi' } },
      token,
    );
    expect(late.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'startOn' });
    // Only the due date given: it is what falls before the kept start.
    const early = await t.gql(
      RESCHEDULE_START,
      { input: { id: created.id, baseVersion: created.version, dueOn: '2030-01-10', reason: 'Sớm' } },
      token,
    );
    expect(early.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'dueOn' });
    const moved = ok(
      await t.gql<{ rescheduleTask: { startOn: string; dueOn: string } }>(
        RESCHEDULE_START,
        { input: { id: created.id, baseVersion: created.version, startOn: '2030-02-01', dueOn: '2030-04-01', reason: 'Lùi' } },
        token,
      ),
    ).rescheduleTask;
    expect(moved).toEqual({ startOn: '2030-02-01', dueOn: '2030-04-01' });
  });

  it('cancels a task with everything below it and leaves it out of the parent’s rollup', async () => {
    const parent = await buildTask(t.em(), { assigner: tree.province, lead: tree.commune });
    const keep = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell, parent, progress: 80 });
    const drop = await buildTask(t.em(), { assigner: tree.commune, lead: tree.siblingCell, parent });
    const below = await buildTask(t.em(), { assigner: tree.siblingCell, lead: tree.siblingCell, parent: drop });
    const { token } = await tokenFor(t, tree.commune, [Role.FOCAL]);
    ok(await t.gql(CANCEL, { input: { id: drop.id, baseVersion: 1, reason: 'Không còn phù hợp' } }, token));
    const em = t.em();
    expect((await em.findOneOrFail(Task, { id: below.id })).state).toBe('CANCELLED');
    expect((await em.findOneOrFail(Task, { id: keep.id })).state).toBe('OPEN');
    expect((await em.findOneOrFail(Task, { id: parent.id })).progress).toBe(80);
    expect(await em.count(AuditEvent, { action: 'task.cancel', entityId: drop.id })).toBe(1);
    expect(errorCode(await t.gql(CANCEL, { input: { id: drop.id, baseVersion: 2, reason: 'x' } }, token))).toBe('BAD_USER_INPUT');
    expect(errorCode(await t.gql(CANCEL, { input: { id: randomUUID(), baseVersion: 1, reason: 'x' } }, token))).toBe('NOT_FOUND');
  });
});
