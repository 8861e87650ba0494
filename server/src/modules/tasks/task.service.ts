import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../../common/errors.js';
import { approvalLevels } from '../plans/action-plan.service.js';
import { assertUuid } from '../../common/ids.js';
import { localDay } from '../../common/dates.js';
import { decodeCursor, toConnection, type Connection, type PageArgs } from '../../common/pagination.js';
import { Account } from '../accounts/account.entity.js';
import { Role } from '../accounts/role.js';
import { actorOf, type AuditService } from '../audit/audit.service.js';
import { NotificationKind } from '../notifications/notification.entity.js';
import type { NotificationService } from '../notifications/notification.service.js';
import { Unit } from '../organisations/unit.entity.js';
import { isWithin, subtreePattern } from '../organisations/unit-path.js';
import { ActionPlan } from '../plans/action-plan.entity.js';
import {
  assertCanAssignTo,
  assertVisibleTask,
  canDecompose,
  canFillInTask,
  canManageTask,
  canSeeTask,
  canSeeUnit,
  taskScopeSql,
} from '../scope/scope.js';
import { hasRole, type Viewer } from '../scope/viewer.js';
import { TaskHistory } from './task-history.entity.js';
import { Task } from './task.entity.js';
import { TaskPriority, TaskState } from './task.enums.js';
import {
  TaskOrder,
  type CancelTaskInput,
  type CreateTaskInput,
  type ReassignTaskInput,
  type RescheduleTaskInput,
  type SetTaskApprovalLevelsInput,
  type TaskFilter,
  type UpdateTaskInput,
} from './task.inputs.js';
import { countableFromRollups, countFromRollups } from './task-count.js';
import { scheduleColumns } from './report-schedule.js';
import { appendChanges } from '../derived/change-log.js';
import { statusSql } from './task-status.js';
import { taskColumns, toTaskRow, type TaskRow } from './task.row.js';
import { HISTORY_COLUMNS, HISTORY_FROM, toHistoryRow, type TaskHistoryRow } from './task-history.row.js';
import type { TaskHistoryType } from './task.type.js';
import { taskFields, taskView } from './task.view.js';

const TITLE_MAX = 500;
const TEXT_MAX = 10_000;
const PERSON_MAX = 255;
const REASON_MAX = 2_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Fields the lead unit's focal officers may change; the assigner's may change every field. */
const LEAD_FIELDS = ['description', 'responsiblePerson', 'expectedResult'] as const;
type EditableField =
  (typeof LEAD_FIELDS)[number] | 'title' | 'startOn' | 'dueOn' | 'priority' | 'weight' | 'reportFrequency' | 'reportDueDays';

function text(field: string, value: string | null | undefined, max: number, required = false): string | null {
  if (value === undefined || value === null || !value.trim()) {
    if (required) throw new BadInputError(field, `${field} must not be empty`);
    return null;
  }
  if (value.length > max) throw new BadInputError(field, `${field} is longer than ${max} characters`);
  return value.trim();
}

function day(field: string, value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new BadInputError(field, `${field} must be a date (YYYY-MM-DD)`);
  return value;
}

function weightOf(value: number | null | undefined): number {
  if (value === undefined || value === null) return 1;
  if (!Number.isFinite(value) || value <= 0 || value > 1000)
    throw new BadInputError('weight', 'weight must be above 0 and at most 1000');
  return value;
}

function reasonOf(value: string | null | undefined): string {
  return text('reason', value, REASON_MAX, true)!;
}

function checkDates(
  startOn: string | null | undefined,
  dueOn: string | null | undefined,
  parent: Task | null,
  allowLater: boolean,
  startGiven = true,
) {
  // Named after the date the request gave: the start when it came with one, else the due date.
  if (startOn && dueOn && startOn > dueOn)
    throw new BadInputError(startGiven ? 'startOn' : 'dueOn', `The start date (${startOn}) is after the due date (${dueOn})`);
  if (parent?.dueOn && dueOn && dueOn > parent.dueOn && !allowLater)
    throw new BadInputError('dueOn', `A sub-task cannot be due after its parent (${parent.dueOn}) unless allowed explicitly`);
}

export class TaskService {
  constructor(
    private readonly audit: AuditService,
    private readonly notifications: NotificationService,
  ) {}

  /**
   * Creates a task in the viewer's unit's plan, or decomposes a task assigned to the viewer's
   * unit into a sub-task, assigned to a lead unit in the viewer's subtree. Focal officers only.
   */
  async create(em: EntityManager, viewer: Viewer, input: CreateTaskInput): Promise<Task> {
    if (!hasRole(viewer, Role.FOCAL)) throw new ForbiddenError('Only focal officers create and assign tasks');
    const title = text('title', input.title, TITLE_MAX, true)!;
    const description = text('description', input.description, TEXT_MAX);
    const responsiblePerson = text('responsiblePerson', input.responsiblePerson, PERSON_MAX);
    const expectedResult = text('expectedResult', input.expectedResult, TEXT_MAX);
    const startOn = day('startOn', input.startOn);
    const dueOn = day('dueOn', input.dueOn);
    const weight = weightOf(input.weight);
    const schedule = scheduleColumns(input.reportSchedule);
    if (input.planId) assertUuid('planId', input.planId);
    if (input.parentId) assertUuid('parentId', input.parentId);
    assertUuid('leadUnitId', input.leadUnitId);
    const coordinatorIds = [...new Set(input.coordinatingUnitIds ?? [])];
    if (coordinatorIds.length > 50) throw new BadInputError('coordinatingUnitIds', 'Too many coordinating units');
    coordinatorIds.forEach((id) => assertUuid('coordinatingUnitIds', id));
    if (coordinatorIds.includes(input.leadUnitId))
      throw new BadInputError('coordinatingUnitIds', 'The lead unit cannot also coordinate');

    return em.transactional(async (tx) => {
      let parent: Task | null = null;
      if (input.parentId) {
        parent = await tx.findOne(Task, { id: input.parentId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!parent || !canSeeTask(viewer, parent)) throw new NotFoundError('Task', input.parentId);
        if (!canDecompose(viewer, parent)) throw new ForbiddenError('Only tasks assigned to your unit can be decomposed');
        if (parent.state === TaskState.CANCELLED) throw new BadInputError('parentId', 'The parent task has been cancelled');
      }
      let plan: ActionPlan;
      if (input.planId) {
        const found = await tx.findOne(ActionPlan, { id: input.planId }, { populate: ['ownerUnit'] });
        if (!found || !canSeeUnit(viewer, found.ownerUnit.getEntity().path)) throw new NotFoundError('ActionPlan', input.planId);
        if (found.ownerUnit.id !== viewer.unitId) throw new ForbiddenError('Tasks go into your own unit’s plans');
        if (parent && found.resolution.id !== parent.resolution.id)
          throw new BadInputError('planId', 'The plan is for another resolution than the parent task');
        plan = found;
      } else if (parent) {
        plan = await tx.findOneOrFail(ActionPlan, { id: parent.plan.id });
      } else {
        throw new BadInputError('planId', 'Choose the plan the task belongs to');
      }

      const lead = await tx.findOne(Unit, { id: input.leadUnitId });
      if (!lead) throw new NotFoundError('Unit', input.leadUnitId);
      assertCanAssignTo(viewer, lead);
      if (!lead.active) throw new BadInputError('leadUnitId', 'The unit is no longer active');
      const coordinators = coordinatorIds.length ? await tx.find(Unit, { id: { $in: coordinatorIds } }) : [];
      if (coordinators.length !== coordinatorIds.length || coordinators.some((u) => !isWithin(u.path, viewer.unitPath)))
        throw new NotFoundError('Unit');
      checkDates(startOn, dueOn, parent, input.allowLaterThanParent);

      const task = tx.create(Task, {
        plan,
        resolution: plan.resolution,
        parent,
        depth: parent ? parent.depth + 1 : 0,
        title,
        description,
        assignerUnit: tx.getReference(Unit, viewer.unitId),
        assignerUnitPath: viewer.unitPath,
        leadUnit: lead,
        leadUnitPath: lead.path,
        responsiblePerson,
        expectedResult,
        startOn,
        dueOn,
        priority: input.priority ?? TaskPriority.NORMAL,
        weight,
        ...schedule,
      });
      for (const u of coordinators) task.coordinatingUnits.add(u);
      this.history(tx, viewer, task, 'CREATED', null, null, taskFields(task));
      await tx.flush();
      await this.audit.record(tx, actorOf(viewer), {
        action: 'task.create',
        entityType: 'Task',
        entityId: task.id,
        after: { ...taskFields(task), parentId: parent?.id ?? null, planId: plan.id, coordinatingUnitIds: coordinatorIds },
      });
      await this.notifyAssigned(tx, task);
      if (parent) await appendChanges(tx, [{ kind: 'PROGRESS', taskId: parent.id }]);
      return task;
    });
  }

  /**
   * Edits task fields. The assigning unit's focal officers may change every field; the lead
   * unit's may fill in the description, the person responsible and the expected result. A
   * stale `baseVersion` answers CONFLICT with the current task in `extensions.current`.
   */
  async update(em: EntityManager, viewer: Viewer, input: UpdateTaskInput): Promise<Task> {
    assertUuid('id', input.id);
    const changes: Partial<Record<EditableField, unknown>> = {};
    if (input.title !== undefined) changes.title = text('title', input.title, TITLE_MAX, true);
    if (input.description !== undefined) changes.description = text('description', input.description, TEXT_MAX);
    if (input.responsiblePerson !== undefined)
      changes.responsiblePerson = text('responsiblePerson', input.responsiblePerson, PERSON_MAX);
    if (input.expectedResult !== undefined) changes.expectedResult = text('expectedResult', input.expectedResult, TEXT_MAX);
    if (input.startOn !== undefined) changes.startOn = day('startOn', input.startOn);
    if (input.dueOn !== undefined) changes.dueOn = day('dueOn', input.dueOn);
    if (input.priority !== undefined && input.priority !== null) {
      if (!Object.values(TaskPriority).includes(input.priority)) throw new BadInputError('priority', 'Unknown priority');
      changes.priority = input.priority;
    }
    if (input.weight !== undefined && input.weight !== null) changes.weight = weightOf(input.weight);
    if (input.reportSchedule !== undefined) Object.assign(changes, scheduleColumns(input.reportSchedule));

    return em.transactional(async (tx) => {
      const task = await this.lockVisible(tx, viewer, input.id);
      const assigner = canManageTask(viewer, task);
      if (!assigner && !canFillInTask(viewer, task))
        throw new ForbiddenError('Only focal officers of the assigning or lead unit edit this task');
      const outside = Object.keys(changes).find((f) => !assigner && !(LEAD_FIELDS as readonly string[]).includes(f));
      if (outside) throw new ForbiddenError(`Only the assigning unit may change ${outside}`);
      this.assertVersion(task, input.baseVersion);
      if (task.state === TaskState.CANCELLED) throw new BadInputError('id', 'The task has been cancelled');
      const parent = task.parent ? await tx.findOne(Task, { id: task.parent.id }) : null;
      const startOn = changes.startOn !== undefined ? (changes.startOn as string | null) : task.startOn;
      const dueOn = changes.dueOn !== undefined ? (changes.dueOn as string | null) : task.dueOn;
      if (changes.startOn !== undefined || changes.dueOn !== undefined)
        checkDates(startOn, dueOn, parent, !!input.allowLaterThanParent || dueOn === task.dueOn, changes.startOn !== undefined);

      const before = taskFields(task);
      const changed = Object.entries(changes).filter(([k, v]) => (task as unknown as Record<string, unknown>)[k] !== v);
      if (!changed.length) return task;
      for (const [k, v] of changed) (task as unknown as Record<string, unknown>)[k] = v;
      const weightChanged = changed.some(([k]) => k === 'weight');
      this.history(tx, viewer, task, 'UPDATED', null, pick(before, changed), Object.fromEntries(changed));
      await tx.flush();
      await this.audit.record(tx, actorOf(viewer), {
        action: 'task.update',
        entityType: 'Task',
        entityId: task.id,
        before: pick(before, changed),
        after: { ...Object.fromEntries(changed), version: task.version },
      });
      if (weightChanged && parent) await appendChanges(tx, [{ kind: 'PROGRESS', taskId: parent.id }]);
      return task;
    });
  }

  /** Gives the task to another unit in the assigner's subtree, keeping the history and a reason. */
  async reassign(em: EntityManager, viewer: Viewer, input: ReassignTaskInput): Promise<Task> {
    assertUuid('id', input.id);
    assertUuid('leadUnitId', input.leadUnitId);
    const reason = reasonOf(input.reason);
    return em.transactional(async (tx) => {
      const task = await this.lockVisible(tx, viewer, input.id);
      if (!canManageTask(viewer, task)) throw new ForbiddenError('Only the assigning unit’s focal officers reassign a task');
      this.assertVersion(task, input.baseVersion);
      if (task.state !== TaskState.OPEN) throw new BadInputError('id', 'Only an open task can be reassigned');
      const lead = await tx.findOne(Unit, { id: input.leadUnitId });
      if (!lead) throw new NotFoundError('Unit', input.leadUnitId);
      assertCanAssignTo(viewer, lead);
      if (!lead.active) throw new BadInputError('leadUnitId', 'The unit is no longer active');
      if (lead.id === task.leadUnit.id) throw new BadInputError('leadUnitId', 'The task is already assigned to this unit');
      const [{ n }] = await tx.execute<{ n: string }[]>(
        `select count(*) as n from task where parent_id = ? and state <> 'CANCELLED'`,
        [task.id],
      );
      if (Number(n) > 0)
        throw new BadInputError('id', 'The current lead unit has split this task; cancel its sub-tasks before reassigning');
      const before = { leadUnitId: task.leadUnit.id };
      task.leadUnit = tx.getReference(Unit, lead.id) as never;
      task.leadUnitPath = lead.path;
      this.history(tx, viewer, task, 'REASSIGNED', reason, before, { leadUnitId: lead.id });
      await tx.flush();
      await this.audit.record(tx, actorOf(viewer), {
        action: 'task.reassign',
        entityType: 'Task',
        entityId: task.id,
        before,
        after: { leadUnitId: lead.id, reason, version: task.version },
      });
      await this.notifyAssigned(tx, task);
      return task;
    });
  }

  /** Moves a task's dates, keeping the old ones and the reason in its history. */
  async reschedule(em: EntityManager, viewer: Viewer, input: RescheduleTaskInput): Promise<Task> {
    assertUuid('id', input.id);
    const reason = reasonOf(input.reason);
    const dueOn = day('dueOn', input.dueOn);
    if (!dueOn) throw new BadInputError('dueOn', 'Give the new due date');
    const startOn = input.startOn === undefined ? undefined : day('startOn', input.startOn);
    return em.transactional(async (tx) => {
      const task = await this.lockVisible(tx, viewer, input.id);
      if (!canManageTask(viewer, task)) throw new ForbiddenError('Only the assigning unit’s focal officers reschedule a task');
      this.assertVersion(task, input.baseVersion);
      if (task.state === TaskState.CANCELLED) throw new BadInputError('id', 'The task has been cancelled');
      const parent = task.parent ? await tx.findOne(Task, { id: task.parent.id }) : null;
      checkDates(
        startOn === undefined ? task.startOn : startOn,
        dueOn,
        parent,
        input.allowLaterThanParent,
        startOn !== undefined,
      );
      const before = { startOn: task.startOn ?? null, dueOn: task.dueOn ?? null };
      task.dueOn = dueOn;
      if (startOn !== undefined) task.startOn = startOn;
      const after = { startOn: task.startOn ?? null, dueOn };
      this.history(tx, viewer, task, 'RESCHEDULED', reason, before, after);
      await tx.flush();
      await this.audit.record(tx, actorOf(viewer), {
        action: 'task.reschedule',
        entityType: 'Task',
        entityId: task.id,
        before,
        after: { ...after, reason, version: task.version },
      });
      return task;
    });
  }

  /**
   * Sets how many levels approve the reports of a task and of the tasks below it that set none
   * (null: as the task above, else the plan). Reports already submitted keep their levels.
   */
  async setApprovalLevels(em: EntityManager, viewer: Viewer, input: SetTaskApprovalLevelsInput): Promise<Task> {
    assertUuid('id', input.id);
    const reason = reasonOf(input.reason);
    const levels = input.approvalLevels === null ? null : approvalLevels(input.approvalLevels);
    return em.transactional(async (tx) => {
      const task = await this.lockVisible(tx, viewer, input.id);
      if (!canManageTask(viewer, task))
        throw new ForbiddenError('Only the assigning unit’s focal officers set a task’s approval levels');
      this.assertVersion(task, input.baseVersion);
      const before = { approvalLevels: task.approvalLevels ?? null };
      task.approvalLevels = levels;
      this.history(tx, viewer, task, 'UPDATED', reason, before, { approvalLevels: levels });
      await tx.flush();
      await this.audit.record(tx, actorOf(viewer), {
        action: 'task.approval_levels',
        entityType: 'Task',
        entityId: task.id,
        before,
        after: { approvalLevels: levels, reason, version: task.version },
      });
      return task;
    });
  }

  /** Cancels a task and every open task below it; the parent's rollup leaves them out. */
  async cancel(em: EntityManager, viewer: Viewer, input: CancelTaskInput): Promise<Task> {
    assertUuid('id', input.id);
    const reason = reasonOf(input.reason);
    return em.transactional(async (tx) => {
      const task = await this.lockVisible(tx, viewer, input.id);
      if (!canManageTask(viewer, task)) throw new ForbiddenError('Only the assigning unit’s focal officers cancel a task');
      this.assertVersion(task, input.baseVersion);
      if (task.state !== TaskState.OPEN) throw new BadInputError('id', 'Only an open task can be cancelled');
      task.state = TaskState.CANCELLED;
      task.cancelledAt = new Date();
      this.history(tx, viewer, task, 'CANCELLED', reason, { state: TaskState.OPEN }, { state: TaskState.CANCELLED });
      await tx.flush();
      const below = await tx.execute<{ id: string }[]>(
        `with recursive sub(id) as (select id from task where parent_id = ? union all select t.id from task t join sub on t.parent_id = sub.id)
         update task set state = 'CANCELLED', cancelled_at = now(), version = version + 1
          where id in (select id from sub) and state = 'OPEN' returning id`,
        [task.id],
      );
      for (const { id } of below)
        await tx.execute(
          `insert into task_history (task_id, actor_account_id, kind, reason, before, after) values (?, ?, 'CANCELLED', ?, ?::jsonb, ?::jsonb)`,
          [
            id,
            viewer.accountId,
            reason,
            JSON.stringify({ state: 'OPEN' }),
            JSON.stringify({ state: 'CANCELLED', with: task.id }),
          ],
        );
      await this.audit.record(tx, actorOf(viewer), {
        action: 'task.cancel',
        entityType: 'Task',
        entityId: task.id,
        before: { state: TaskState.OPEN },
        after: { state: TaskState.CANCELLED, reason, cancelledBelow: below.map((b) => b.id), version: task.version },
      });
      if (task.parent) await appendChanges(tx, [{ kind: 'PROGRESS', taskId: task.parent.id }]);
      return task;
    });
  }

  /** The change history of a visible task, oldest first. */
  async listHistory(em: EntityManager, viewer: Viewer, taskId: string): Promise<TaskHistoryType[]> {
    const rows = await em
      .getConnection()
      .execute<Record<string, unknown>[]>(
        `select ${HISTORY_COLUMNS} from ${HISTORY_FROM} where h.task_id = ? order by h.at asc, h.id asc`,
        [taskId],
      );
    return rows.map((r) => namedActor(viewer, toHistoryRow(r)));
  }

  /**
   * One page of a visible task's history, newest first, with its total: the committee task page
   * shows the latest changes and loads older ones on demand.
   */
  async historyPage(em: EntityManager, viewer: Viewer, taskId: string, page: PageArgs): Promise<Connection<TaskHistoryType>> {
    const conn = em.getConnection();
    const keyset: string[] = [];
    const params: unknown[] = [taskId];
    if (page.after) {
      const [at, id] = decodeCursor(page.after, 2) as [unknown, unknown];
      if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || typeof id !== 'string' || !/^\d{1,19}$/.test(id))
        throw new BadInputError('after', 'The cursor is not one this server issued');
      keyset.push('(h.at, h.id) < (?::timestamptz, ?::bigint)');
      params.push(at, id);
    }
    const rows = await conn.execute<Record<string, unknown>[]>(
      `select ${HISTORY_COLUMNS} from ${HISTORY_FROM} where ${['h.task_id = ?', ...keyset].join(' and ')}
       order by h.at desc, h.id desc limit ?`,
      [...params, page.first + 1],
    );
    const keys = new Map<string, string>();
    const entries = rows.map((r) => {
      keys.set(r.id as string, r.at_key as string);
      return namedActor(viewer, toHistoryRow(r));
    });
    const count = async () => {
      const [{ n }] = await conn.execute<{ n: string }[]>(`select count(*) as n from task_history where task_id = ?`, [taskId]);
      return Number(n);
    };
    return toConnection(entries, page.first, count, (h) => [keys.get(h.id), h.id]);
  }

  private async lockVisible(tx: EntityManager, viewer: Viewer, id: string): Promise<Task> {
    const task = await tx.findOne(Task, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    return assertVisibleTask(viewer, task, id);
  }

  private assertVersion(task: Task, baseVersion: number): void {
    if (!Number.isInteger(baseVersion)) throw new BadInputError('baseVersion', 'baseVersion must be a whole number');
    if (baseVersion !== task.version)
      throw new ConflictError('The task was changed since your copy; compare and try again', { current: taskView(task) });
  }

  private history(
    tx: EntityManager,
    viewer: Viewer,
    task: Task,
    kind: string,
    reason: string | null,
    before: Record<string, unknown> | null,
    after: Record<string, unknown> | null,
  ): void {
    tx.create(TaskHistory, { task, kind, reason, before, after, actor: tx.getReference(Account, viewer.accountId) });
  }

  private async notifyAssigned(tx: EntityManager, task: Task): Promise<void> {
    await this.notifications.notifyUnit(tx, task.leadUnitPath, {
      kind: NotificationKind.TASK_ASSIGNED,
      message: `Đơn vị được giao nhiệm vụ «${task.title}»${task.dueOn ? `, hạn ${task.dueOn.split('-').reverse().join('/')}` : ''}`,
      taskId: task.id,
    });
  }

  /** A task the viewer may read; NOT_FOUND for a missing and a forbidden id alike. */
  async get(em: EntityManager, viewer: Viewer, id: string): Promise<Task> {
    assertUuid('id', id);
    return assertVisibleTask(viewer, await em.findOne(Task, { id }), id);
  }

  /**
   * One page of the tasks the viewer may read, filtered and ordered, with the total count: from
   * the rollups when the filter allows (the nation's 1.17 M tasks cost no scan), otherwise
   * counted exactly; either only when the query asks for it.
   */
  async list(
    em: EntityManager,
    viewer: Viewer,
    filter: TaskFilter,
    page: PageArgs,
    order: TaskOrder,
  ): Promise<Connection<TaskRow>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (c: { sql: string; params: unknown[] }) => {
      where.push(c.sql);
      params.push(...c.params);
    };
    add(taskScopeSql(viewer));
    const today = localDay();
    // The unit whose subtree bounds the list: the viewer's own, or a visible one inside it.
    let countUnit = { id: viewer.unitId, path: viewer.unitPath };
    let fenced = false;
    if (filter.resolutionId) {
      assertUuid('resolutionId', filter.resolutionId);
      add({ sql: 't.resolution_id = ?', params: [filter.resolutionId] });
    }
    if (filter.unitId) {
      assertUuid('unitId', filter.unitId);
      const [unit] = await em
        .getConnection()
        .execute<{ id: string; path: string }[]>('select id, path from unit where id = ?', [filter.unitId]);
      if (!unit || !canSeeUnit(viewer, unit.path)) throw new NotFoundError('Unit', filter.unitId);
      add({ sql: 't.lead_unit_path like ?', params: [subtreePattern(unit.path)] });
      countUnit = { id: unit.id, path: unit.path };
    }
    if (filter.parentId) {
      assertUuid('parentId', filter.parentId);
      add({ sql: 't.parent_id = ?', params: [filter.parentId] });
    }
    if (filter.rootsOnly) add({ sql: 't.parent_id is null', params: [] });
    if (filter.topOfView && (await viewsWholeTree(em, viewer))) {
      // Every unit lies below the one root, so every parent task is in view: only roots are on top.
      add({ sql: 't.parent_id is null', params: [] });
    } else if (filter.topOfView) {
      // Few tasks pass, but the planner guesses many and would walk a date index for the first page.
      fenced = true;
      const parentScope = taskScopeSql(viewer, 'p');
      add({
        sql: `(t.parent_id is null or not exists (select 1 from task p where p.id = t.parent_id and ${parentScope.sql}))`,
        params: parentScope.params,
      });
    }
    if (filter.status?.length) {
      const parts = filter.status.map((s) => statusSql(s, today));
      add({ sql: `(${parts.map((p) => `(${p.sql})`).join(' or ')})`, params: parts.flatMap((p) => p.params) });
    }
    if (filter.dueFrom) add({ sql: 't.due_on >= ?::date', params: [filter.dueFrom] });
    if (filter.dueTo) add({ sql: 't.due_on <= ?::date', params: [filter.dueTo] });
    if (filter.search?.trim()) {
      const words = filter.search.trim().split(/\s+/).slice(0, 8);
      for (const w of words) add({ sql: 't.title ilike ?', params: [`%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`] });
    }
    if (filter.incompleteOnly) {
      add({
        sql: `(coalesce(trim(t.description), '') = '' or coalesce(trim(t.responsible_person), '') = '' or t.due_on is null or coalesce(trim(t.expected_result), '') = '')`,
        params: [],
      });
    }

    const base = where.join(' and ');
    const conn = em.getConnection();
    const count = async () => {
      if (countableFromRollups(filter)) return countFromRollups(em, countUnit, filter.resolutionId, filter.status ?? [], today);
      const [{ n }] = await conn.execute<{ n: string }[]>(`select count(*) as n from task t where ${base}`, params);
      return Number(n);
    };

    const keyset: string[] = [];
    const keyParams: unknown[] = [];
    // After a dated cursor: the dated rows past it, then the undated ones. Each half is one range
    // of the (due_on, id) index; the `or` of both made a deep page walk the index from its start.
    let datedAfter: { due: string; id: string } | null = null;
    let orderBy: string;
    if (order === TaskOrder.DUE_ON) {
      orderBy = 't.due_on asc nulls last, t.id asc';
      if (page.after) {
        const [due, id] = decodeCursor(page.after, 2) as [string | null, string];
        if (due === null) {
          keyset.push('(t.due_on is null and t.id > ?)');
          keyParams.push(id);
        } else if (fenced) {
          keyset.push('(t.due_on > ?::date or (t.due_on = ?::date and t.id > ?) or t.due_on is null)');
          keyParams.push(due, due, id);
        } else {
          datedAfter = { due, id };
        }
      }
    } else {
      orderBy = 't.created_at desc, t.id desc';
      if (page.after) {
        const [created, id] = decodeCursor(page.after, 2) as [string, string];
        keyset.push('(t.created_at, t.id) < (?::timestamptz, ?)');
        keyParams.push(created, id);
      }
    }
    const limit = page.first + 1;
    const cols = taskColumns('t');
    const rows = await conn.execute<Record<string, unknown>[]>(
      datedAfter
        ? `select ${cols} from (
             (select t.* from task t where ${base} and (t.due_on, t.id) > (?::date, ?) order by t.due_on, t.id limit ?)
             union all
             (select t.* from task t where ${base} and t.due_on is null order by t.due_on asc nulls last, t.id limit ?)
           ) t order by ${orderBy} limit ?`
        : fenced
          ? // offset 0 keeps the filter a subquery of its own: rows are found first, then ordered.
            `select ${cols} from (select t.* from task t where ${[base, ...keyset].join(' and ')} offset 0) t order by ${orderBy} limit ?`
          : `select ${cols} from task t where ${[base, ...keyset].join(' and ')} order by ${orderBy} limit ?`,
      datedAfter ? [...params, datedAfter.due, datedAfter.id, limit, ...params, limit, limit] : [...params, ...keyParams, limit],
    );
    // Plain rows: a list changes nothing, so nothing is hydrated into the identity map.
    const tasks = rows.map(toTaskRow);
    return toConnection(tasks, page.first, count, (t) =>
      order === TaskOrder.DUE_ON ? [t.dueOn ?? null, t.id] : [t.createdAt.toISOString(), t.id],
    );
  }
}

/** True when the viewer's unit is the only root unit: its subtree is every unit there is. */
async function viewsWholeTree(em: EntityManager, viewer: Viewer): Promise<boolean> {
  if (viewer.unitPath.split('/').filter(Boolean).length !== 1) return false;
  const roots = await em.getConnection().execute<{ id: string }[]>(`select id from unit where parent_id is null limit 2`);
  return roots.length === 1 && roots[0]!.id === viewer.unitId;
}

function pick(from: Record<string, unknown>, changed: [string, unknown][]): Record<string, unknown> {
  return Object.fromEntries(changed.map(([k]) => [k, from[k] ?? null]));
}

/** A history row with its actor named only when their unit is in the viewer's subtree. */
function namedActor(viewer: Viewer, { actorUnitPath, actorName, ...row }: TaskHistoryRow): TaskHistoryType {
  return { ...row, actorName: actorUnitPath && canSeeUnit(viewer, actorUnitPath) ? actorName : null };
}
