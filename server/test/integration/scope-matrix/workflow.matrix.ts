import { randomUUID } from 'node:crypto';
import { Role } from '../../../src/modules/accounts/role.js';
import { Notification, NotificationKind } from '../../../src/modules/notifications/notification.entity.js';
import { buildIndicator, buildPlan, buildReport, buildTask } from '../../support/factories.js';
import { anyone, onlyRoles, type Fixture, type MatrixEntry, type Outcome, type Position } from './matrix.js';

/**
 * The resolution workflow (docs/WORKFLOW.md). Each call works on a fresh record, so one viewer's
 * success never changes what the next one meets.
 */

/** A task the fixture's unit assigned to its child: the unit manages it, the child fills it in. */
const assignedToChild = (fx: Fixture) => buildTask(fx.em(), { assigner: fx.units.unit, lead: fx.units.child });
/** A task the parent assigned to the fixture's unit: the unit reports on and decomposes it. */
const assignedToUnit = (fx: Fixture) => buildTask(fx.em(), { assigner: fx.units.parent, lead: fx.units.unit });

const visibleFrom =
  (positions: Position[], then: (role: Role, position: Position) => Outcome) => (role: Role, position: Position) =>
    positions.includes(position) ? then(role, position) : 'NOT_FOUND';

/** Only the assigning unit's focal officers; the task is visible to its line and to the child. */
const assignerFocal = visibleFrom(['unit', 'parent', 'child'], (role, position) =>
  role === Role.FOCAL && position === 'unit' ? 'ALLOW' : 'FORBIDDEN',
);

const noOne = (): Outcome => 'FORBIDDEN';

export const entries: MatrixEntry[] = [
  { operation: 'Query.notifications', document: `{ notifications { totalCount } }`, expect: anyone },
  { operation: 'Query.unreadNotificationCount', document: `{ unreadNotificationCount }`, expect: anyone },
  {
    // Another account's notification: nobody but its recipient can see it exists.
    operation: 'Mutation.markNotificationRead',
    document: `mutation($id: ID!) { markNotificationRead(id: $id) { id } }`,
    variables: async (fx) => {
      const em = fx.em();
      const n = em.create(Notification, { account: fx.account, kind: NotificationKind.TASK_DUE_SOON, message: 'Sắp đến hạn' });
      await em.flush();
      return { id: n.id };
    },
    expect: () => 'NOT_FOUND',
  },
  {
    // The fixture has no viewer at a root unit, and only central administrators manage resolutions.
    operation: 'Mutation.createResolution',
    document: `mutation($input: CreateResolutionInput!) { createResolution(input: $input) { id } }`,
    variables: (fx) => ({
      input: { code: fx.unique('NQ').slice(0, 32), titleVi: 'Nghị quyết', titleEn: 'Resolution', issuedOn: '2025-01-01' },
    }),
    expect: noOne,
  },
  {
    operation: 'Mutation.updateResolution',
    document: `mutation($input: UpdateResolutionInput!) { updateResolution(input: $input) { id } }`,
    variables: (fx) => ({ input: { id: fx.resolution.id, titleVi: 'Tên mới' } }),
    expect: noOne,
  },
  {
    operation: 'Mutation.createActionPlan',
    document: `mutation($input: CreateActionPlanInput!) { createActionPlan(input: $input) { id } }`,
    variables: (fx) => ({
      input: { resolutionId: fx.resolution.id, title: 'Kế hoạch', periodStart: '2025-01-01', periodEnd: '2026-12-31' },
    }),
    expect: onlyRoles([Role.FOCAL], anyone),
  },
  {
    operation: 'Mutation.updateActionPlan',
    document: `mutation($input: UpdateActionPlanInput!) { updateActionPlan(input: $input) { id } }`,
    variables: async (fx) => ({ input: { id: (await buildPlan(fx.em(), fx.units.unit)).id, title: 'Kế hoạch sửa' } }),
    expect: visibleFrom(['unit', 'parent'], (role, position) =>
      role === Role.FOCAL && position === 'unit' ? 'ALLOW' : 'FORBIDDEN',
    ),
  },
  {
    // Decomposing a task assigned to the unit, for its child.
    operation: 'Mutation.createTask',
    document: `mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }`,
    variables: async (fx) => ({
      input: { parentId: (await assignedToUnit(fx)).id, title: 'Nhiệm vụ con', leadUnitId: fx.units.child.id },
    }),
    expect: onlyRoles(
      [Role.FOCAL],
      visibleFrom(['unit', 'parent'], (_role, position) => (position === 'unit' ? 'ALLOW' : 'FORBIDDEN')),
    ),
  },
  {
    // The description: the assigner's focal officers and the lead unit's may both change it.
    operation: 'Mutation.updateTask',
    document: `mutation($input: UpdateTaskInput!) { updateTask(input: $input) { id } }`,
    variables: async (fx) => ({ input: { id: (await assignedToChild(fx)).id, baseVersion: 1, description: 'Mô tả mới' } }),
    expect: visibleFrom(['unit', 'parent', 'child'], (role, position) =>
      role === Role.FOCAL && (position === 'unit' || position === 'child') ? 'ALLOW' : 'FORBIDDEN',
    ),
  },
  {
    operation: 'Mutation.reassignTask',
    document: `mutation($input: ReassignTaskInput!) { reassignTask(input: $input) { id } }`,
    variables: async (fx) => ({
      input: { id: (await assignedToChild(fx)).id, baseVersion: 1, leadUnitId: fx.units.unit.id, reason: 'Điều chỉnh' },
    }),
    expect: assignerFocal,
  },
  {
    operation: 'Mutation.rescheduleTask',
    document: `mutation($input: RescheduleTaskInput!) { rescheduleTask(input: $input) { id } }`,
    variables: async (fx) => ({
      input: { id: (await assignedToChild(fx)).id, baseVersion: 1, dueOn: '2030-01-01', reason: 'Lùi hạn' },
    }),
    expect: assignerFocal,
  },
  {
    operation: 'Mutation.cancelTask',
    document: `mutation($input: CancelTaskInput!) { cancelTask(input: $input) { id } }`,
    variables: async (fx) => ({ input: { id: (await assignedToChild(fx)).id, baseVersion: 1, reason: 'Không còn phù hợp' } }),
    expect: assignerFocal,
  },
  {
    operation: 'Mutation.createIndicator',
    document: `mutation($input: CreateIndicatorInput!) { createIndicator(input: $input) { id } }`,
    variables: async (fx) => ({
      input: {
        taskId: (await assignedToChild(fx)).id,
        name: 'Chỉ tiêu',
        unitOfMeasure: '%',
        target: 100,
        reportSchedule: { frequency: 'MONTHLY', dueDays: 5 },
      },
    }),
    expect: assignerFocal,
  },
  {
    operation: 'Mutation.updateIndicator',
    document: `mutation($input: UpdateIndicatorInput!) { updateIndicator(input: $input) { id } }`,
    variables: async (fx) => ({
      input: {
        id: (await buildIndicator(fx.em(), await assignedToChild(fx))).id,
        baseVersion: 1,
        target: 50,
        reportSchedule: { frequency: 'QUARTERLY', dueDays: 10 },
      },
    }),
    expect: assignerFocal,
  },
  {
    operation: 'Mutation.deleteIndicator',
    document: `mutation($id: ID!) { deleteIndicator(id: $id) }`,
    variables: async (fx) => ({ id: (await buildIndicator(fx.em(), await assignedToChild(fx))).id }),
    expect: assignerFocal,
  },
  {
    // Only the lead unit's reporters and focal officers report; the line above sees but may not.
    operation: 'Mutation.submitReport',
    document: `mutation($input: SubmitReportInput!) { submitReport(input: $input) { created } }`,
    variables: async (fx) => ({
      input: {
        id: randomUUID(),
        taskId: (await assignedToUnit(fx)).id,
        percent: 10,
        hasObstacles: false,
        writtenAt: new Date().toISOString(),
      },
    }),
    expect: visibleFrom(['unit', 'parent'], (role, position) =>
      position === 'unit' && (role === Role.REPORTER || role === Role.FOCAL) ? 'ALLOW' : 'FORBIDDEN',
    ),
  },
  {
    // Leaders strictly above the reporting unit review.
    operation: 'Mutation.approveReport',
    document: `mutation($id: ID!) { approveReport(id: $id) { id } }`,
    variables: async (fx) => ({ id: (await buildReport(fx.em(), await assignedToUnit(fx), fx.account)).id }),
    expect: visibleFrom(['unit', 'parent'], (role, position) =>
      role === Role.LEADER && position === 'parent' ? 'ALLOW' : 'FORBIDDEN',
    ),
  },
  {
    operation: 'Mutation.returnReport',
    document: `mutation($id: ID!) { returnReport(id: $id, comment: "Bổ sung ảnh") { id } }`,
    variables: async (fx) => ({ id: (await buildReport(fx.em(), await assignedToUnit(fx), fx.account)).id }),
    expect: visibleFrom(['unit', 'parent'], (role, position) =>
      role === Role.LEADER && position === 'parent' ? 'ALLOW' : 'FORBIDDEN',
    ),
  },
];
