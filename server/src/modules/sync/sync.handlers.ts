import type { ExtensionService } from '../extensions/extension.service.js';
import type { NotificationService } from '../notifications/notification.service.js';
import type { ReportService } from '../reports/report.service.js';
import type { TaskService } from '../tasks/task.service.js';
import type { SyncHandlers } from './sync.service.js';

/**
 * Each outbox kind applied through the service that owns it, so a synced change obeys exactly
 * the rules (scope, validation, audit, notifications) of the same change made online.
 */
export function syncHandlers(services: {
  reports: ReportService;
  tasks: TaskService;
  notifications: NotificationService;
  extensions: ExtensionService;
}): SyncHandlers {
  return {
    checkReports(em, entries) {
      return services.reports.check(
        em,
        entries.map(({ viewer, entry: e }) => ({
          viewer,
          input: {
            id: e.reportId,
            taskId: e.taskId,
            percent: e.percent,
            values: (e.values ?? []).map((v) => ({ indicatorId: v.indicatorId, value: v.value })),
            narrative: e.narrative ?? null,
            hasObstacles: e.hasObstacles,
            obstacles: e.obstacles ?? null,
            writtenAt: e.writtenAt,
            answersReportId: e.answersReportId ?? null,
            periodKey: e.periodKey ?? null,
          },
        })),
      );
    },
    storeReports(em, ready) {
      return services.reports.store(em, ready, { entities: false });
    },
    async updateTask(em, viewer, e) {
      const fields: Record<string, string | null> = {};
      for (const f of ['responsiblePerson', 'expectedResult', 'description'] as const)
        if (e[f] !== undefined) fields[f] = e[f] ?? null;
      const task = await services.tasks.update(em, viewer, { id: e.taskId, baseVersion: e.baseVersion, ...fields });
      return { version: task.version };
    },
    async markNotificationRead(em, viewer, e) {
      await services.notifications.markRead(em, viewer, e.notificationId);
    },
    async requestExtension(em, viewer, e) {
      await services.extensions.request(
        em,
        viewer,
        { id: e.requestId, taskId: e.taskId, baseVersion: e.baseVersion, requestedDueOn: e.requestedDueOn, reason: e.reason },
        new Date(e.writtenAt),
      );
    },
  };
}
