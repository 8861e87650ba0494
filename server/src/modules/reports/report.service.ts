import type { EntityManager } from '@mikro-orm/postgresql';
import { decodeCursor, toConnection, type Connection, type PageArgs } from '../../common/pagination.js';
import { NotFoundError } from '../../common/errors.js';
import { reportScope } from '../scope/scope.js';
import type { Viewer } from '../scope/viewer.js';
import { assertUuid } from '../tasks/task.service.js';
import { ProgressReport } from './progress-report.entity.js';

export class ReportService {
  /** A report the viewer may read; NOT_FOUND for a missing and a forbidden id alike. */
  async get(em: EntityManager, viewer: Viewer, id: string): Promise<ProgressReport> {
    assertUuid('id', id);
    const report = await em.findOne(ProgressReport, { $and: [{ id }, reportScope(viewer)] });
    if (!report) throw new NotFoundError('ProgressReport', id);
    return report;
  }

  /** Reports of a task the caller has already shown to be visible, newest first. */
  async listForTask(em: EntityManager, taskId: string, page: PageArgs): Promise<Connection<ProgressReport>> {
    const where: Record<string, unknown> = { task: taskId };
    if (page.after) {
      const [received, id] = decodeCursor(page.after, 2) as [string, string];
      where.$or = [{ receivedAt: { $lt: new Date(received) } }, { receivedAt: new Date(received), id: { $lt: id } }];
    }
    const [rows, total] = await Promise.all([
      em.find(ProgressReport, where, { orderBy: { receivedAt: 'desc', id: 'desc' }, limit: page.first + 1 }),
      em.count(ProgressReport, { task: taskId }),
    ]);
    return toConnection(rows, page.first, total, (r) => [r.receivedAt.toISOString(), r.id]);
  }
}
