import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError, ForbiddenError, NotFoundError } from '../../common/errors.js';
import { Role } from '../accounts/role.js';
import { actorOf, type AuditService } from '../audit/audit.service.js';
import { Unit } from '../organisations/unit.entity.js';
import { Resolution } from '../resolutions/resolution.entity.js';
import { hasRole } from '../scope/viewer.js';
import type { CreateActionPlanInput, UpdateActionPlanInput } from './action-plan.inputs.js';
import { decodeCursor, toConnection, type Connection, type PageArgs } from '../../common/pagination.js';
import { subtreePattern } from '../organisations/unit-path.js';
import { canSeeUnit } from '../scope/scope.js';
import type { Viewer } from '../scope/viewer.js';
import { assertUuid } from '../../common/ids.js';
import { ActionPlan } from './action-plan.entity.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function title(value: string | null | undefined): string {
  const v = value?.trim();
  if (!v) throw new BadInputError('title', 'title must not be empty');
  if (v.length > 500) throw new BadInputError('title', 'title is longer than 500 characters');
  return v;
}

function day(field: string, value: string): string {
  if (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new BadInputError(field, `${field} must be a date`);
  return value;
}

/** Levels of approval a plan or a task asks for: 1–5. */
export function approvalLevels(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 5)
    throw new BadInputError('approvalLevels', 'approvalLevels must be a whole number from 1 to 5');
  return value;
}

const planFields = (p: ActionPlan) => ({
  title: p.title,
  periodStart: p.periodStart,
  periodEnd: p.periodEnd,
  approvalLevels: p.approvalLevels,
});

export class ActionPlanService {
  constructor(private readonly audit: AuditService) {}

  /** Creates the viewer's unit's plan for a resolution; focal officers only. */
  async create(em: EntityManager, viewer: Viewer, input: CreateActionPlanInput): Promise<ActionPlan> {
    if (!hasRole(viewer, Role.FOCAL)) throw new ForbiddenError('Only focal officers create action plans');
    assertUuid('resolutionId', input.resolutionId);
    const data = {
      title: title(input.title),
      periodStart: day('periodStart', input.periodStart),
      periodEnd: day('periodEnd', input.periodEnd),
      approvalLevels: approvalLevels(input.approvalLevels ?? 1),
    };
    if (data.periodStart > data.periodEnd) throw new BadInputError('periodEnd', 'The period ends before it starts');
    return em.transactional(async (tx) => {
      const resolution = await tx.findOne(Resolution, { id: input.resolutionId });
      if (!resolution) throw new NotFoundError('Resolution', input.resolutionId);
      const plan = tx.create(ActionPlan, { ...data, resolution, ownerUnit: tx.getReference(Unit, viewer.unitId) });
      await tx.flush();
      await this.audit.record(tx, actorOf(viewer), {
        action: 'plan.create',
        entityType: 'ActionPlan',
        entityId: plan.id,
        after: { ...data, resolutionId: resolution.id, ownerUnitId: viewer.unitId },
      });
      return plan;
    });
  }

  /** Renames or re-dates a plan of the viewer's own unit; focal officers only. */
  async update(em: EntityManager, viewer: Viewer, input: UpdateActionPlanInput): Promise<ActionPlan> {
    assertUuid('id', input.id);
    return em.transactional(async (tx) => {
      const plan = await this.get(tx, viewer, input.id);
      if (plan.ownerUnit.id !== viewer.unitId || !hasRole(viewer, Role.FOCAL))
        throw new ForbiddenError('Only focal officers of the owning unit edit a plan');
      const before = planFields(plan);
      if (input.title != null) plan.title = title(input.title);
      if (input.periodStart != null) plan.periodStart = day('periodStart', input.periodStart);
      if (input.periodEnd != null) plan.periodEnd = day('periodEnd', input.periodEnd);
      if (input.approvalLevels != null) plan.approvalLevels = approvalLevels(input.approvalLevels);
      if (plan.periodStart > plan.periodEnd) throw new BadInputError('periodEnd', 'The period ends before it starts');
      await tx.flush();
      await this.audit.record(tx, actorOf(viewer), {
        action: 'plan.update',
        entityType: 'ActionPlan',
        entityId: plan.id,
        before,
        after: planFields(plan),
      });
      return plan;
    });
  }

  /** Plans owned by units in the viewer's subtree, optionally of one resolution. */
  async list(em: EntityManager, viewer: Viewer, resolutionId: string | null, page: PageArgs): Promise<Connection<ActionPlan>> {
    const where: Record<string, unknown> = { ownerUnit: { path: { $like: subtreePattern(viewer.unitPath) } } };
    if (resolutionId) {
      assertUuid('resolutionId', resolutionId);
      where.resolution = resolutionId;
    }
    const keyset: Record<string, unknown> = {};
    if (page.after) {
      const [start, id] = decodeCursor(page.after, 2) as [string, string];
      keyset.$or = [{ periodStart: { $gt: start } }, { periodStart: start, id: { $gt: id } }];
    }
    const [rows, total] = await Promise.all([
      em.find(ActionPlan, { ...where, ...keyset }, { orderBy: { periodStart: 'asc', id: 'asc' }, limit: page.first + 1 }),
      em.count(ActionPlan, where),
    ]);
    return toConnection(rows, page.first, total, (p) => [p.periodStart, p.id]);
  }

  async get(em: EntityManager, viewer: Viewer, id: string): Promise<ActionPlan> {
    assertUuid('id', id);
    const plan = await em.findOne(ActionPlan, { id }, { populate: ['ownerUnit'] });
    if (!plan || !canSeeUnit(viewer, plan.ownerUnit.getEntity().path)) throw new NotFoundError('ActionPlan', id);
    return plan;
  }
}
