import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError, NotFoundError } from '../../common/errors.js';
import { decodeCursor, toConnection, type Connection, type PageArgs } from '../../common/pagination.js';
import { actorOf, type AuditService } from '../audit/audit.service.js';
import { Account } from '../accounts/account.entity.js';
import { Unit } from '../organisations/unit.entity.js';
import { subtreePattern } from '../organisations/unit-path.js';
import { assertCanEvaluate, canSeeUnit } from '../scope/scope.js';
import type { Viewer } from '../scope/viewer.js';
import { Task } from '../tasks/task.entity.js';
import { assertUuid } from '../../common/ids.js';
import { EvaluationRating } from './score.js';
import { TaskEvaluation } from './task-evaluation.entity.js';

const PERIOD = /^\d{4}(-(Q[1-4]|H[12]|0[1-9]|1[0-2]))?$/;

/** Throws BAD_USER_INPUT naming `field` unless `period` is 2026, 2026-H2, 2026-Q4 or 2026-11. */
export function assertPeriod(field: string, period: string): void {
  if (!PERIOD.test(period))
    throw new BadInputError(field, 'A period is a year (2026), half (2026-H2), quarter (2026-Q4) or month (2026-11)');
}

export interface EvaluateTask {
  taskId: string;
  period: string;
  rating: EvaluationRating;
  comment?: string | null;
}

export class TaskEvaluationService {
  constructor(private readonly audit: AuditService) {}

  /**
   * Rates a task of a unit below the leader's for a period; rating it again replaces the
   * rating (both audited). NOT_FOUND for a task the leader cannot see.
   */
  async evaluate(em: EntityManager, viewer: Viewer, input: EvaluateTask): Promise<TaskEvaluation> {
    assertUuid('taskId', input.taskId);
    assertPeriod('period', input.period);
    if (!Object.values(EvaluationRating).includes(input.rating)) throw new BadInputError('rating', 'Unknown rating');
    const comment = input.comment?.trim() || null;
    if (comment && comment.length > 2000) throw new BadInputError('comment', 'The comment is longer than 2000 characters');
    return em.transactional(async (tx) => {
      const task = await tx.findOne(Task, { id: input.taskId });
      assertCanEvaluate(viewer, task, input.taskId);
      let evaluation = await tx.findOne(TaskEvaluation, { task: task.id, period: input.period });
      const before = evaluation ? { rating: evaluation.rating, comment: evaluation.comment ?? null } : null;
      if (evaluation) {
        evaluation.rating = input.rating;
        evaluation.comment = comment;
        evaluation.rater = tx.getReference(Account, viewer.accountId, { wrapped: true });
        evaluation.raterUnitPath = viewer.unitPath;
      } else {
        evaluation = tx.create(TaskEvaluation, {
          task,
          period: input.period,
          rating: input.rating,
          comment,
          rater: tx.getReference(Account, viewer.accountId),
          raterUnitPath: viewer.unitPath,
          leadUnitPath: task.leadUnitPath,
          resolution: task.resolution,
        });
      }
      await this.audit.record(tx, actorOf(viewer), {
        action: before ? 'evaluation.update' : 'evaluation.create',
        entityType: 'TaskEvaluation',
        entityId: evaluation.id,
        before,
        after: { taskId: task.id, period: input.period, rating: input.rating, comment },
        unitPath: task.leadUnitPath,
      });
      await tx.flush();
      return evaluation;
    });
  }

  /** Ratings of tasks led in a unit's subtree (the viewer's own by default), newest first. */
  async list(
    em: EntityManager,
    viewer: Viewer,
    filter: { unitId?: string | null; resolutionId?: string | null; period?: string | null; taskId?: string | null },
    page: PageArgs,
  ): Promise<Connection<TaskEvaluation>> {
    let path = viewer.unitPath;
    if (filter.unitId) {
      assertUuid('unitId', filter.unitId);
      const unit = await em.findOne(Unit, { id: filter.unitId });
      if (!unit || !canSeeUnit(viewer, unit.path)) throw new NotFoundError('Unit', filter.unitId);
      path = unit.path;
    }
    const where: Record<string, unknown> = { leadUnitPath: { $like: subtreePattern(path) } };
    if (filter.resolutionId) {
      assertUuid('resolutionId', filter.resolutionId);
      where.resolution = filter.resolutionId;
    }
    if (filter.period) {
      assertPeriod('period', filter.period);
      where.period = filter.period;
    }
    if (filter.taskId) {
      assertUuid('taskId', filter.taskId);
      where.task = filter.taskId;
    }
    const total = await em.count(TaskEvaluation, where);
    if (page.after) {
      const [at, id] = decodeCursor(page.after, 2) as [string, string];
      where.$or = [{ updatedAt: { $lt: new Date(at) } }, { updatedAt: new Date(at), id: { $lt: id } }];
    }
    const rows = await em.find(TaskEvaluation, where, { orderBy: { updatedAt: 'desc', id: 'desc' }, limit: page.first + 1 });
    return toConnection(rows, page.first, total, (e) => [e.updatedAt.toISOString(), e.id]);
  }
}
