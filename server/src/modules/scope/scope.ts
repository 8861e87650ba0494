/**
 * The one place that decides what an account may read and change: an account acts only inside
 * the subtree of its own unit. Every list filters with these conditions in SQL; every single
 * load goes through them, so a forbidden id answers exactly like a missing one.
 */
import type { FilterQuery } from '@mikro-orm/core';
import { ForbiddenError, NotFoundError } from '../../common/errors.js';
import { Role } from '../accounts/role.js';
import type { Unit } from '../organisations/unit.entity.js';
import { isWithin, subtreePattern } from '../organisations/unit-path.js';
import type { ProgressReport } from '../reports/progress-report.entity.js';
import type { Task } from '../tasks/task.entity.js';
import { hasRole, type Viewer } from './viewer.js';

/** Units the viewer may see: its own and everything below. */
export function unitScope(viewer: Viewer): FilterQuery<Unit> {
  return { path: { $like: subtreePattern(viewer.unitPath) } };
}

/** Tasks the viewer may read: assigned to or by a unit in its subtree. */
export function taskScope(viewer: Viewer): FilterQuery<Task> {
  const like = subtreePattern(viewer.unitPath);
  return { $or: [{ leadUnitPath: { $like: like } }, { assignerUnitPath: { $like: like } }] };
}

/** Reports the viewer may read: those on tasks it may read. */
export function reportScope(viewer: Viewer): FilterQuery<ProgressReport> {
  const like = subtreePattern(viewer.unitPath);
  return {
    $or: [
      { unitPath: { $like: like } },
      { task: { $or: [{ leadUnitPath: { $like: like } }, { assignerUnitPath: { $like: like } }] } },
    ],
  };
}

/**
 * The same rows as `taskScope`, for raw queries over an aliased task table. The check constraint
 * `task_lead_within_assigner` puts every lead unit inside its assigner's subtree, so "assigned
 * by a unit in the subtree" implies "led by one": the lead path alone decides, one index range
 * instead of an `or` over two, and the same key the `task_rollup` counts are kept by.
 */
export function taskScopeSql(viewer: Viewer, alias = 't'): { sql: string; params: string[] } {
  return { sql: `${alias}.lead_unit_path like ?`, params: [subtreePattern(viewer.unitPath)] };
}

export function canSeeUnit(viewer: Viewer, unitPath: string): boolean {
  return isWithin(unitPath, viewer.unitPath);
}

export function canSeeTask(viewer: Viewer, task: Pick<Task, 'leadUnitPath' | 'assignerUnitPath'>): boolean {
  return isWithin(task.leadUnitPath, viewer.unitPath) || isWithin(task.assignerUnitPath, viewer.unitPath);
}

/** Loads are checked after the fact too, as a second line behind the SQL filter. */
export function assertVisibleTask<T extends Pick<Task, 'id' | 'leadUnitPath' | 'assignerUnitPath'>>(
  viewer: Viewer,
  task: T | null,
  id: string,
): T {
  if (!task || !canSeeTask(viewer, task)) throw new NotFoundError('Task', id);
  return task;
}

/** A unit the viewer's unit may assign work to: itself or any unit below. */
export function assertCanAssignTo(viewer: Viewer, unit: Pick<Unit, 'path'>): void {
  if (!hasRole(viewer, Role.FOCAL, Role.ADMIN)) throw new ForbiddenError('Only focal officers assign tasks');
  if (!isWithin(unit.path, viewer.unitPath)) throw new NotFoundError('Unit');
}

/** Reports are written only by the lead unit of the task. */
export function canReportOn(viewer: Viewer, task: Pick<Task, 'leadUnitPath'>): boolean {
  return task.leadUnitPath === viewer.unitPath && hasRole(viewer, Role.REPORTER, Role.FOCAL);
}

/** Leaders review reports of units strictly below their own. */
export function canReview(viewer: Viewer, report: Pick<ProgressReport, 'unitPath'>): boolean {
  return hasRole(viewer, Role.LEADER) && report.unitPath !== viewer.unitPath && isWithin(report.unitPath, viewer.unitPath);
}

/**
 * Who acts on a report waiting at `level` (1 = the first): at the first level any leader above
 * the reporting unit, as with one level; at a higher level a leader of the unit that level waits
 * on (`levelUnitPath`) or of a unit above it, and strictly above the unit that approved the level
 * below (`previousApproverPath`): one unit never signs two levels.
 */
export function canReviewAtLevel(
  viewer: Viewer,
  report: Pick<ProgressReport, 'unitPath'>,
  level: number,
  levelUnitPath: string | null,
  previousApproverPath: string | null,
): boolean {
  if (level <= 1) return canReview(viewer, report);
  return (
    hasRole(viewer, Role.LEADER) &&
    levelUnitPath !== null &&
    isWithin(levelUnitPath, viewer.unitPath) &&
    previousApproverPath !== null &&
    previousApproverPath !== viewer.unitPath &&
    isWithin(previousApproverPath, viewer.unitPath)
  );
}

/**
 * The SQL condition for reports the viewer may review now (alias `alias`): at the first level
 * written by a unit strictly below its own; at a higher level waiting on its unit or one below,
 * and approved at the level below by a unit strictly below its own.
 * Only leaders review; others get FORBIDDEN from `assertReviewer` first.
 */
export function reviewableReportSql(viewer: Viewer, alias = 'r'): { sql: string; params: string[] } {
  const pattern = subtreePattern(viewer.unitPath);
  return {
    sql: `(${alias}.unit_path like ? and ${alias}.unit_path <> ? and (${alias}.approved_levels = 0
           or (exists (select 1 from unit au where au.id = ${alias}.awaiting_unit_id and au.path like ?)
               and exists (select 1 from report_approval pa join unit pu on pu.id = pa.reviewer_unit_id
                            where pa.report_id = ${alias}.id and pa.level = ${alias}.approved_levels
                              and pu.path like ? and pu.path <> ?))))`,
    params: [pattern, viewer.unitPath, pattern, pattern, viewer.unitPath],
  };
}

/** Only leaders review reports. */
export function assertReviewer(viewer: Viewer): void {
  if (!hasRole(viewer, Role.LEADER)) throw new ForbiddenError('Only leaders review reports');
}

/** Admins manage accounts and units of their own unit and below. */
export function canAdminister(viewer: Viewer, unitPath: string): boolean {
  return hasRole(viewer, Role.ADMIN) && isWithin(unitPath, viewer.unitPath);
}

/** Resolutions are national: only administrators of a root (central) unit manage them. */
export function canManageResolutions(viewer: Viewer): boolean {
  return hasRole(viewer, Role.ADMIN) && viewer.unitPath.split('/').filter(Boolean).length === 1;
}

/** The assigning unit's focal officers edit every field of a task, its indicators and its lifecycle. */
export function canManageTask(viewer: Viewer, task: Pick<Task, 'assignerUnitPath'>): boolean {
  return viewer.unitPath === task.assignerUnitPath && hasRole(viewer, Role.FOCAL);
}

/** The lead unit's focal officers fill in the description, the person responsible and the result. */
export function canFillInTask(viewer: Viewer, task: Pick<Task, 'leadUnitPath'>): boolean {
  return viewer.unitPath === task.leadUnitPath && hasRole(viewer, Role.FOCAL);
}

/** Sub-tasks are made only under a task assigned to the viewer's own unit, by its focal officers. */
export function canDecompose(viewer: Viewer, task: Pick<Task, 'leadUnitPath'>): boolean {
  return canFillInTask(viewer, task);
}

/** Evidence is uploaded by the reporting unit's reporters and focal officers. */
export function canAttachTo(viewer: Viewer, report: Pick<ProgressReport, 'unitPath'>): boolean {
  return report.unitPath === viewer.unitPath && hasRole(viewer, Role.REPORTER, Role.FOCAL);
}

/** An admin acts on accounts and units only through this: NOT_FOUND outside its subtree. */
export function assertCanAdminister(viewer: Viewer, unitPath: string, entity: string, id?: string): void {
  if (!hasRole(viewer, Role.ADMIN)) throw new ForbiddenError('Only administrators manage accounts and units');
  if (!isWithin(unitPath, viewer.unitPath)) throw new NotFoundError(entity, id);
}

/**
 * Units an admin may change (rename, move, deactivate): strictly below its own unit. Its own
 * unit belongs to the admin above. Outside the subtree answers NOT_FOUND; its own unit FORBIDDEN.
 */
export function assertCanManageUnit(viewer: Viewer, unit: Pick<Unit, 'id' | 'path'>): void {
  assertCanAdminister(viewer, unit.path, 'Unit', unit.id);
  if (unit.path === viewer.unitPath) throw new ForbiddenError('Your own unit is managed by the administrator above it');
}

/** An admin grants (or takes away) only roles it holds itself. */
export function assertCanGrantRoles(viewer: Viewer, roles: readonly Role[]): void {
  const missing = roles.filter((r) => !viewer.roles.includes(r));
  if (missing.length) throw new ForbiddenError(`You cannot grant or remove a role you do not hold: ${missing.join(', ')}`);
}

/** The SQL condition for accounts (joined unit aliased `alias`) the viewer administers. */
export function accountScopeSql(viewer: Viewer, alias = 'u'): { sql: string; params: string[] } {
  return { sql: `${alias}.path like ?`, params: [subtreePattern(viewer.unitPath)] };
}

/** Audit events readable by the viewer: those recorded against a unit in its subtree. */
export function auditScopeSql(viewer: Viewer, alias = 'e'): { sql: string; params: string[] } {
  return { sql: `${alias}.actor_unit_path like ?`, params: [subtreePattern(viewer.unitPath)] };
}

/** Leaders rate tasks led by units strictly below their own. */
export function canEvaluate(viewer: Viewer, task: Pick<Task, 'leadUnitPath'>): boolean {
  return hasRole(viewer, Role.LEADER) && task.leadUnitPath !== viewer.unitPath && isWithin(task.leadUnitPath, viewer.unitPath);
}

/**
 * A task the viewer may rate: NOT_FOUND when it cannot see it, FORBIDDEN when it can see it but
 * the task is its own unit's (nobody rates their own work).
 */
export function assertCanEvaluate<T extends Pick<Task, 'id' | 'leadUnitPath' | 'assignerUnitPath'>>(
  viewer: Viewer,
  task: T | null,
  id: string,
): asserts task is T {
  assertVisibleTask(viewer, task, id);
  if (!canEvaluate(viewer, task!)) throw new ForbiddenError('Only a leader above the lead unit rates a task');
}

/** Leaders publish a resolution's figures for their own unit or one below it. */
export function canPublish(viewer: Viewer, unitPath: string): boolean {
  return hasRole(viewer, Role.LEADER) && isWithin(unitPath, viewer.unitPath);
}

/** The path of the unit that decides a task's deadline extensions: its assigner, or the unit above when a unit assigned itself. */
export function extensionDeciderPath(task: Pick<Task, 'leadUnitPath' | 'assignerUnitPath'>): string {
  if (task.assignerUnitPath !== task.leadUnitPath) return task.assignerUnitPath;
  const parent = task.leadUnitPath.replace(/[^/]+\/$/, '');
  return parent.length > 1 ? parent : task.assignerUnitPath;
}

/** Deadline extensions are asked for by the lead unit's reporters and focal officers. */
export function canRequestExtension(viewer: Viewer, task: Pick<Task, 'leadUnitPath'>): boolean {
  return canReportOn(viewer, task);
}

/** The deciding unit's leaders and focal officers approve or refuse a deadline extension. */
export function canDecideExtension(viewer: Viewer, task: Pick<Task, 'leadUnitPath' | 'assignerUnitPath'>): boolean {
  return viewer.unitPath === extensionDeciderPath(task) && hasRole(viewer, Role.LEADER, Role.FOCAL);
}

/** The plan's owner unit's focal officers set its on-time rule. */
export function canSetOnTimeRule(viewer: Viewer, ownerUnitPath: string): boolean {
  return viewer.unitPath === ownerUnitPath && hasRole(viewer, Role.FOCAL);
}
