import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../../common/errors.js';
import { Account } from '../accounts/account.entity.js';
import { actorOf, type AuditService } from '../audit/audit.service.js';
import { ProgressReport } from '../reports/progress-report.entity.js';
import { ReportIndicatorValue } from '../reports/report-indicator-value.entity.js';
import { assertVisibleTask, canManageTask } from '../scope/scope.js';
import type { Viewer } from '../scope/viewer.js';
import { scheduleColumns } from '../tasks/report-schedule.js';
import { Task } from '../tasks/task.entity.js';
import { TaskHistory } from '../tasks/task-history.entity.js';
import { assertUuid } from '../../common/ids.js';
import { Indicator, IndicatorDirection } from './indicator.entity.js';
import type { CreateIndicatorInput, UpdateIndicatorInput } from './indicator.inputs.js';

function name(field: string, value: string | null | undefined, max: number): string {
  const v = value?.trim();
  if (!v) throw new BadInputError(field, `${field} must not be empty`);
  if (v.length > max) throw new BadInputError(field, `${field} is longer than ${max} characters`);
  return v;
}

function num(field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new BadInputError(field, `${field} must be a number`);
  return value;
}

function day(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new BadInputError('dueOn', 'dueOn must be a date');
  return value;
}

/** A target is met by its task's due date at the latest, as a sub-task is by its parent's. */
function checkDue(task: Task, dueOn: string | null | undefined): void {
  if (dueOn && task.dueOn && dueOn > task.dueOn)
    throw new BadInputError('dueOn', `An indicator cannot be due after its task (${task.dueOn})`);
}

const fields = (i: Indicator) => ({
  name: i.name,
  unitOfMeasure: i.unitOfMeasure,
  baseline: i.baseline,
  target: i.target,
  direction: i.direction,
  dueOn: i.dueOn ?? null,
  reportFrequency: i.reportFrequency ?? null,
  reportDueDays: i.reportDueDays ?? null,
});

/**
 * Targets of a task, set by the assigning unit's focal officers. Every change is kept in the
 * task's history; once the task has reports, a change must say why.
 */
export class IndicatorService {
  constructor(private readonly audit: AuditService) {}

  /** Adds a target to a task the viewer's unit assigned. */
  async create(em: EntityManager, viewer: Viewer, input: CreateIndicatorInput): Promise<Indicator> {
    assertUuid('taskId', input.taskId);
    const data = {
      name: name('name', input.name, 500),
      unitOfMeasure: name('unitOfMeasure', input.unitOfMeasure, 64),
      baseline: input.baseline == null ? 0 : num('baseline', input.baseline),
      target: num('target', input.target),
      direction: input.direction ?? IndicatorDirection.HIGHER_IS_BETTER,
      dueOn: day(input.dueOn),
      ...scheduleColumns(input.reportSchedule),
    };
    return em.transactional(async (tx) => {
      const task = await this.managedTask(tx, viewer, input.taskId);
      checkDue(task, data.dueOn);
      const reason = await this.reasonIfReported(tx, task.id, input.reason);
      const indicator = tx.create(Indicator, { ...data, task });
      await tx.flush();
      await this.record(tx, viewer, task, indicator, 'INDICATOR_CREATED', reason, null, fields(indicator));
      return indicator;
    });
  }

  /** Changes a target; a stale baseVersion answers CONFLICT with the current indicator. */
  async update(em: EntityManager, viewer: Viewer, input: UpdateIndicatorInput): Promise<Indicator> {
    assertUuid('id', input.id);
    const changes: Partial<ReturnType<typeof fields>> = {};
    if (input.name != null) changes.name = name('name', input.name, 500);
    if (input.unitOfMeasure != null) changes.unitOfMeasure = name('unitOfMeasure', input.unitOfMeasure, 64);
    if (input.baseline != null) changes.baseline = num('baseline', input.baseline);
    if (input.target != null) changes.target = num('target', input.target);
    if (input.direction != null) changes.direction = input.direction;
    if (input.dueOn !== undefined) changes.dueOn = day(input.dueOn);
    if (input.reportSchedule !== undefined) Object.assign(changes, scheduleColumns(input.reportSchedule));
    return em.transactional(async (tx) => {
      const indicator = await tx.findOne(Indicator, { id: input.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      if (!indicator) throw new NotFoundError('Indicator', input.id);
      const task = await this.managedTask(tx, viewer, indicator.task.id, input.id);
      if (input.baseVersion !== indicator.version)
        throw new ConflictError('The indicator was changed since your copy', {
          current: { id: indicator.id, ...fields(indicator), version: indicator.version },
        });
      if (changes.dueOn !== undefined) checkDue(task, changes.dueOn);
      const reason = await this.reasonIfReported(tx, task.id, input.reason);
      const before = fields(indicator);
      Object.assign(indicator, changes);
      await tx.flush();
      await this.record(tx, viewer, task, indicator, 'INDICATOR_UPDATED', reason, before, fields(indicator));
      return indicator;
    });
  }

  /** Removes a target that no report has given a value for. */
  async delete(em: EntityManager, viewer: Viewer, id: string, reasonText?: string | null): Promise<boolean> {
    assertUuid('id', id);
    return em.transactional(async (tx) => {
      const indicator = await tx.findOne(Indicator, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!indicator) throw new NotFoundError('Indicator', id);
      const task = await this.managedTask(tx, viewer, indicator.task.id, id);
      if (await tx.count(ReportIndicatorValue, { indicator: id }))
        throw new BadInputError('id', 'Reports already give values for this indicator; change it with a reason instead');
      const reason = await this.reasonIfReported(tx, task.id, reasonText);
      const before = fields(indicator);
      tx.remove(indicator);
      await tx.flush();
      await this.record(tx, viewer, task, indicator, 'INDICATOR_DELETED', reason, before, null);
      return true;
    });
  }

  private async managedTask(tx: EntityManager, viewer: Viewer, taskId: string, indicatorId?: string): Promise<Task> {
    const task = await tx.findOne(Task, { id: taskId });
    if (indicatorId && !task) throw new NotFoundError('Indicator', indicatorId);
    try {
      assertVisibleTask(viewer, task, taskId);
    } catch (e) {
      if (indicatorId) throw new NotFoundError('Indicator', indicatorId);
      throw e;
    }
    if (!canManageTask(viewer, task!)) throw new ForbiddenError('Only the assigning unit’s focal officers set targets');
    return task!;
  }

  private async reasonIfReported(tx: EntityManager, taskId: string, reason: string | null | undefined): Promise<string | null> {
    const text = reason?.trim() || null;
    if (text && text.length > 2000) throw new BadInputError('reason', 'reason is longer than 2000 characters');
    if (!text && (await tx.count(ProgressReport, { task: taskId })))
      throw new BadInputError('reason', 'The task already has reports: say why the target changes');
    return text;
  }

  private async record(
    tx: EntityManager,
    viewer: Viewer,
    task: Task,
    indicator: Indicator,
    kind: string,
    reason: string | null,
    before: Record<string, unknown> | null,
    after: Record<string, unknown> | null,
  ): Promise<void> {
    tx.create(TaskHistory, {
      task,
      indicatorId: indicator.id,
      kind,
      reason,
      before,
      after,
      actor: tx.getReference(Account, viewer.accountId),
    });
    await tx.flush();
    await this.audit.record(tx, actorOf(viewer), {
      action: `indicator.${kind.slice('INDICATOR_'.length).toLowerCase()}`,
      entityType: 'Indicator',
      entityId: indicator.id,
      before,
      after: after ? { ...after, reason, version: indicator.version } : { reason },
    });
  }
}
