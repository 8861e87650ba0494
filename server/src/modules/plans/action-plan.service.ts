import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '../../common/errors.js';
import { decodeCursor, toConnection, type Connection, type PageArgs } from '../../common/pagination.js';
import { subtreePattern } from '../organisations/unit-path.js';
import { canSeeUnit } from '../scope/scope.js';
import type { Viewer } from '../scope/viewer.js';
import { assertUuid } from '../tasks/task.service.js';
import { ActionPlan } from './action-plan.entity.js';

export class ActionPlanService {
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
