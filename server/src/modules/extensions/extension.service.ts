import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../../common/errors.js';
import { assertUuid } from '../../common/ids.js';
import { decodeCursor, toConnection, type Connection, type PageArgs } from '../../common/pagination.js';
import { Account } from '../accounts/account.entity.js';
import { NotificationKind } from '../notifications/notification.entity.js';
import type { NotificationService } from '../notifications/notification.service.js';
import { Role } from '../accounts/role.js';
import { actorOf, type AuditService } from '../audit/audit.service.js';
import { appendChanges } from '../derived/change-log.js';
import { Unit } from '../organisations/unit.entity.js';
import { subtreePattern } from '../organisations/unit-path.js';
import { ActionPlan } from '../plans/action-plan.entity.js';
import { Resolution } from '../resolutions/resolution.entity.js';
import {
  assertVisibleTask,
  canDecideExtension,
  canRequestExtension,
  canSeeTask,
  canSeeUnit,
  canSetOnTimeRule,
  taskScopeSql,
} from '../scope/scope.js';
import { hasRole, type Viewer } from '../scope/viewer.js';
import { TaskHistory } from '../tasks/task-history.entity.js';
import { Task } from '../tasks/task.entity.js';
import { TaskState } from '../tasks/task.enums.js';
import { taskView } from '../tasks/task.view.js';
import { ExtensionRequest, ExtensionState } from './extension-request.entity.js';
import type { RequestExtensionInput } from './extension.inputs.js';
import { OnTimeRule, type ExtensionRequestType, type PlanOnTimeRuleType } from './extension.type.js';

const REASON_MAX = 2_000;
const COMMENT_MAX = 2_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** A device clock may run this far ahead before `writtenAt` is refused. */
const FUTURE_SKEW_MS = 10 * 60_000;

function text(field: string, value: string | null | undefined, max: number, required: boolean): string | null {
  const t = value?.trim() ?? '';
  if (!t) {
    if (required) throw new BadInputError(field, `${field} must not be empty`);
    return null;
  }
  if (t.length > max) throw new BadInputError(field, `${field} is longer than ${max} characters`);
  return t;
}

function day(field: string, value: string): string {
  if (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new BadInputError(field, `${field} must be a date (YYYY-MM-DD)`);
  return value;
}

/**
 * The SQL of the unit that decides a task's extensions (over task `t`): its assigner, or the unit
 * above the lead when the unit assigned itself. Mirrors `extensionDeciderPath` in scope.ts.
 */
const DECIDER_SQL = `case when t.assigner_unit_path <> t.lead_unit_path then t.assigner_unit_path
                          else coalesce(nullif(regexp_replace(t.lead_unit_path, '[^/]+/$', ''), '/'), t.assigner_unit_path) end`;

type Row = Record<string, unknown>;

const ROW_SELECT = `select e.*, t.title as task_title, t.lead_unit_path, t.assigner_unit_path, u.id as unit_id, u.name as unit_name,
       ra.display_name as requested_by_name, da.display_name as decided_by_name,
       to_char(e.requested_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as requested_key
  from task_extension_request e
  join task t on t.id = e.task_id
  left join unit u on u.path = e.requester_unit_path
  left join account ra on ra.id = e.requested_by_id
  left join account da on da.id = e.decided_by_id`;

const dateOnly = (d: unknown): string | null =>
  d === null || d === undefined ? null : typeof d === 'string' ? d.slice(0, 10) : localDate(d as Date);
function localDate(x: Date): string {
  return `${x.getFullYear()}-${String(x.getMonth() + 1).padStart(2, '0')}-${String(x.getDate()).padStart(2, '0')}`;
}

function toType(viewer: Viewer, r: Row): ExtensionRequestType & { requestedKey: string } {
  const task = { leadUnitPath: r.lead_unit_path as string, assignerUnitPath: r.assigner_unit_path as string };
  return {
    id: r.id as string,
    taskId: r.task_id as string,
    taskTitle: r.task_title as string,
    unitId: r.unit_id as string,
    unitName: (r.unit_name as string | null) ?? '',
    requestedByName: (r.requested_by_name as string | null) ?? null,
    previousDueOn: dateOnly(r.previous_due_on),
    requestedDueOn: dateOnly(r.requested_due_on)!,
    reason: r.reason as string,
    writtenAt: new Date(r.written_at as string),
    requestedAt: new Date(r.requested_at as string),
    state: r.state as ExtensionState,
    decidedByName: (r.decided_by_name as string | null) ?? null,
    decidedAt: r.decided_at ? new Date(r.decided_at as string) : null,
    decisionComment: (r.decision_comment as string | null) ?? null,
    canDecide: r.state === ExtensionState.PENDING && canDecideExtension(viewer, task),
    requestedKey: r.requested_key as string,
  };
}

/** The notice of a decision, in the server's Vietnamese as every notice (the app words other languages). */
function decisionMessage(title: string, state: ExtensionState, requestedDueOn: string, comment: string | null): string {
  if (state === ExtensionState.APPROVED)
    return `Đề nghị gia hạn nhiệm vụ «${title}» được chấp thuận: hạn mới ${requestedDueOn.split('-').reverse().join('/')}`;
  return `Đề nghị gia hạn nhiệm vụ «${title}» không được chấp thuận${comment ? `: ${comment}` : ''}`;
}

/**
 * Deadline-extension requests (docs/WORKFLOW.md "Deadline extensions"): the lead unit asks for a
 * later due date with a reason, online or through sync; the deciding unit approves (the task's
 * due date moves, the original is kept) or refuses with a comment. Every step is in the task's
 * history and the audit log.
 */
export class ExtensionService {
  constructor(
    private readonly audit: AuditService,
    private readonly notifications: NotificationService,
  ) {}

  /**
   * Records a request on a task of the viewer's unit, at most once per id. Refused for a stale
   * `baseVersion` (CONFLICT with the server's task), a cancelled or completed task, a date not
   * after the current due date, or while another request of the task waits for a decision.
   */
  async request(
    em: EntityManager,
    viewer: Viewer,
    input: RequestExtensionInput,
    writtenAt: Date = new Date(),
  ): Promise<{ request: ExtensionRequest; created: boolean }> {
    const id = input.id ?? randomUUID();
    assertUuid('id', id);
    assertUuid('taskId', input.taskId);
    const requestedDueOn = day('requestedDueOn', input.requestedDueOn);
    const reason = text('reason', input.reason, REASON_MAX, true)!;
    if (!Number.isInteger(input.baseVersion)) throw new BadInputError('baseVersion', 'baseVersion must be a whole number');
    if (Number.isNaN(writtenAt.getTime()) || writtenAt.getTime() > Date.now() + FUTURE_SKEW_MS)
      throw new BadInputError('writtenAt', 'writtenAt is in the future; check the device clock');
    return em.transactional(async (tx) => {
      const prior = await tx.findOne(ExtensionRequest, { id });
      if (prior) {
        if (prior.requestedBy.id !== viewer.accountId) throw new BadInputError('id', 'this request id is already used');
        return { request: prior, created: false };
      }
      const task = assertVisibleTask(
        viewer,
        await tx.findOne(Task, { id: input.taskId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true }),
        input.taskId,
      );
      if (!canRequestExtension(viewer, task))
        throw new ForbiddenError('Only the lead unit’s reporters and focal officers ask for more time');
      if (input.baseVersion !== task.version)
        throw new ConflictError('The task was changed since your copy; compare and try again', { current: taskView(task) });
      if (task.state !== TaskState.OPEN) throw new BadInputError('taskId', 'Only an open task can be given more time');
      if (task.dueOn && requestedDueOn <= task.dueOn)
        throw new BadInputError('requestedDueOn', `The new due date must be after the current one (${task.dueOn})`);
      const waiting = await tx.count(ExtensionRequest, { task: task.id, state: ExtensionState.PENDING });
      if (waiting) throw new BadInputError('taskId', 'A request for this task is already waiting for a decision');
      const request = tx.create(ExtensionRequest, {
        id,
        task,
        requestedBy: tx.getReference(Account, viewer.accountId),
        requesterUnitPath: viewer.unitPath,
        previousDueOn: task.dueOn ?? null,
        requestedDueOn,
        reason,
        writtenAt,
      });
      tx.create(TaskHistory, {
        task,
        kind: 'EXTENSION_REQUESTED',
        reason,
        before: { dueOn: task.dueOn ?? null },
        after: { requestedDueOn, requestId: id },
        actor: tx.getReference(Account, viewer.accountId),
      });
      await tx.flush();
      await this.audit.record(tx, actorOf(viewer), {
        action: 'extension.request',
        entityType: 'ExtensionRequest',
        entityId: id,
        after: { taskId: task.id, previousDueOn: task.dueOn ?? null, requestedDueOn, reason },
      });
      // The task's warnings include a request waiting too long: the worker recomputes them.
      await appendChanges(tx, [{ kind: 'TASK', taskId: task.id }]);
      return { request, created: true };
    });
  }

  /** Approves a pending request: the task's due date becomes the requested one; the first due date is kept. */
  async approve(em: EntityManager, viewer: Viewer, id: string, comment?: string | null): Promise<ExtensionRequest> {
    return this.decide(em, viewer, id, ExtensionState.APPROVED, text('comment', comment, COMMENT_MAX, false));
  }

  /** Refuses a pending request with a comment saying why; the due date stays. */
  async refuse(em: EntityManager, viewer: Viewer, id: string, comment: string): Promise<ExtensionRequest> {
    const c = text('comment', comment, COMMENT_MAX, false);
    if (!c) throw new BadInputError('comment', 'Say why the request is refused');
    return this.decide(em, viewer, id, ExtensionState.REFUSED, c);
  }

  private async decide(
    em: EntityManager,
    viewer: Viewer,
    id: string,
    state: ExtensionState.APPROVED | ExtensionState.REFUSED,
    comment: string | null,
  ): Promise<ExtensionRequest> {
    assertUuid('id', id);
    return em.transactional(async (tx) => {
      const request = await tx.findOne(ExtensionRequest, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const task = request
        ? await tx.findOne(Task, { id: request.task.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true })
        : null;
      if (!request || !task || !canSeeTask(viewer, task)) throw new NotFoundError('ExtensionRequest', id);
      if (!canDecideExtension(viewer, task))
        throw new ForbiddenError('Only leaders and focal officers of the assigning unit decide on more time');
      if (request.state !== ExtensionState.PENDING)
        throw new ConflictError(`The request was already ${request.state === ExtensionState.APPROVED ? 'approved' : 'refused'}`, {
          state: request.state,
        });
      if (state === ExtensionState.APPROVED && task.state === TaskState.CANCELLED)
        throw new BadInputError('id', 'The task has been cancelled');
      const before = { dueOn: task.dueOn ?? null, originalDueOn: task.originalDueOn ?? null };
      request.state = state;
      request.decidedAt = new Date();
      request.decidedBy = tx.getReference(Account, viewer.accountId) as never;
      request.decisionComment = comment;
      if (state === ExtensionState.APPROVED) {
        // The first due date stays on record however many times the task is extended.
        if (task.originalDueOn == null) task.originalDueOn = task.dueOn ?? null;
        task.dueOn = request.requestedDueOn;
      }
      const after = { dueOn: task.dueOn ?? null, originalDueOn: task.originalDueOn ?? null };
      tx.create(TaskHistory, {
        task,
        kind: state === ExtensionState.APPROVED ? 'EXTENSION_APPROVED' : 'EXTENSION_REFUSED',
        reason: comment,
        before,
        after: { ...after, requestId: request.id, requestedDueOn: request.requestedDueOn },
        actor: tx.getReference(Account, viewer.accountId),
      });
      await tx.flush();
      await this.audit.record(tx, actorOf(viewer), {
        action: state === ExtensionState.APPROVED ? 'extension.approve' : 'extension.refuse',
        entityType: 'ExtensionRequest',
        entityId: request.id,
        before: { state: ExtensionState.PENDING, ...before },
        after: { state, comment, ...after, taskId: task.id, version: task.version },
      });
      // Approval changes the due date (the task's own trigger logs it); a refusal ends the wait.
      if (state === ExtensionState.REFUSED) await appendChanges(tx, [{ kind: 'TASK', taskId: task.id }]);
      // The lead unit hears of the decision (and is woken by a push), the requester even if their roles changed.
      await this.notifications.notifyUnit(
        tx,
        task.leadUnitPath,
        {
          kind: NotificationKind.EXTENSION_DECIDED,
          message: decisionMessage(task.title, state, request.requestedDueOn, comment),
          taskId: task.id,
        },
        request.requestedBy.id,
      );
      return request;
    });
  }

  /** One request as the API shows it; NOT_FOUND unless its task is visible. */
  async view(em: EntityManager, viewer: Viewer, id: string): Promise<ExtensionRequestType> {
    const rows = await em.getConnection().execute<Row[]>(`${ROW_SELECT} where e.id = ?`, [id]);
    const r = rows[0];
    if (!r || !canSeeTask(viewer, { leadUnitPath: r.lead_unit_path as string, assignerUnitPath: r.assigner_unit_path as string }))
      throw new NotFoundError('ExtensionRequest', id);
    return toType(viewer, r);
  }

  /** Every request of a task the caller has shown to be visible, oldest first. */
  async forTask(em: EntityManager, viewer: Viewer, taskId: string): Promise<ExtensionRequestType[]> {
    const rows = await em
      .getConnection()
      .execute<Row[]>(`${ROW_SELECT} where e.task_id = ? order by e.requested_at, e.id`, [taskId]);
    return rows.map((r) => toType(viewer, r));
  }

  /**
   * Pending requests the viewer's unit decides, oldest first; leaders and focal officers only.
   * `unitId` narrows to requests from that unit's subtree, `resolutionId` to one resolution.
   */
  async queue(
    em: EntityManager,
    viewer: Viewer,
    args: { unitId: string | null; resolutionId: string | null },
    page: PageArgs,
  ): Promise<Connection<ExtensionRequestType>> {
    if (!hasRole(viewer, Role.LEADER, Role.FOCAL))
      throw new ForbiddenError('Only leaders and focal officers decide deadline extensions');
    const scope = taskScopeSql(viewer, 't');
    const where = [`e.state = 'PENDING'`, scope.sql, `${DECIDER_SQL} = ?`];
    const params: unknown[] = [...scope.params, viewer.unitPath];
    if (args.unitId) {
      assertUuid('unitId', args.unitId);
      const unit = await em.findOne(Unit, { id: args.unitId });
      if (!unit || !canSeeUnit(viewer, unit.path)) throw new NotFoundError('Unit', args.unitId);
      where.push('e.requester_unit_path like ?');
      params.push(subtreePattern(unit.path));
    }
    if (args.resolutionId) {
      assertUuid('resolutionId', args.resolutionId);
      if (!(await em.findOne(Resolution, { id: args.resolutionId }))) throw new NotFoundError('Resolution', args.resolutionId);
      where.push('t.resolution_id = ?');
      params.push(args.resolutionId);
    }
    const base = where.join(' and ');
    const keyset: string[] = [];
    const keyParams: unknown[] = [];
    if (page.after) {
      const [at, id] = decodeCursor(page.after, 2) as [string, string];
      keyset.push('(e.requested_at, e.id) > (?::timestamptz, ?::uuid)');
      keyParams.push(at, id);
    }
    const conn = em.getConnection();
    const rows = await conn.execute<Row[]>(
      `${ROW_SELECT} where ${[base, ...keyset].join(' and ')} order by e.requested_at, e.id limit ?`,
      [...params, ...keyParams, page.first + 1],
    );
    return toConnection(
      rows.map((r) => toType(viewer, r)),
      page.first,
      async () => {
        const [{ n }] = await conn.execute<{ n: string }[]>(
          `select count(*) as n from task_extension_request e join task t on t.id = e.task_id where ${base}`,
          params,
        );
        return Number(n);
      },
      (r) => [r.requestedKey, r.id],
    );
  }

  /**
   * Sets a plan's on-time rule and re-measures its tasks (the rollups follow through the task
   * trigger). Focal officers of the plan's owner unit; a plan outside the subtree is NOT_FOUND.
   */
  async setOnTimeRule(em: EntityManager, viewer: Viewer, planId: string, rule: OnTimeRule): Promise<ActionPlan> {
    assertUuid('planId', planId);
    if (rule !== OnTimeRule.ORIGINAL && rule !== OnTimeRule.EXTENDED) throw new BadInputError('rule', 'ORIGINAL or EXTENDED');
    return em.transactional(async (tx) => {
      const plan = await tx.findOne(ActionPlan, { id: planId }, { populate: ['ownerUnit'], lockMode: undefined });
      if (!plan || !canSeeUnit(viewer, plan.ownerUnit.getEntity().path)) throw new NotFoundError('ActionPlan', planId);
      if (!canSetOnTimeRule(viewer, plan.ownerUnit.getEntity().path))
        throw new ForbiddenError('Only focal officers of the owning unit set the plan’s on-time rule');
      const before = plan.onTimeRule;
      if (before === rule) return plan;
      plan.onTimeRule = rule;
      await tx.flush();
      // A derived setting: no version bump, so it never makes someone's edit conflict.
      await tx.execute(`update task set on_time_original = ? where plan_id = ? and on_time_original <> ?`, [
        rule === OnTimeRule.ORIGINAL,
        plan.id,
        rule === OnTimeRule.ORIGINAL,
      ]);
      await this.audit.record(tx, actorOf(viewer), {
        action: 'plan.on_time_rule',
        entityType: 'ActionPlan',
        entityId: plan.id,
        before: { onTimeRule: before },
        after: { onTimeRule: rule },
      });
      return plan;
    });
  }

  /** The on-time rule of each plan with tasks in the viewer's view (of one resolution when given). */
  async rules(em: EntityManager, viewer: Viewer, resolutionId: string | null): Promise<PlanOnTimeRuleType[]> {
    if (resolutionId) assertUuid('resolutionId', resolutionId);
    const scope = taskScopeSql(viewer, 't');
    const rows = await em.getConnection().execute<Row[]>(
      `select p.id, p.title, p.on_time_rule, u.name as owner_name from action_plan p join unit u on u.id = p.owner_unit_id
        where exists (select 1 from task t where t.plan_id = p.id and ${scope.sql})
          ${resolutionId ? 'and p.resolution_id = ?' : ''}
        order by u.path, p.title, p.id limit 200`,
      [...scope.params, ...(resolutionId ? [resolutionId] : [])],
    );
    return rows.map((r) => ({
      planId: r.id as string,
      planTitle: r.title as string,
      ownerUnitName: r.owner_name as string,
      rule: r.on_time_rule as OnTimeRule,
    }));
  }
}
