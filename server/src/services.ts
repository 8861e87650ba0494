import path from 'node:path';
import type { Config } from './config.js';
import { AttachmentService } from './modules/attachments/attachment.service.js';
import { LocalDiskStorage } from './modules/attachments/file-storage.js';
import { AuthService } from './modules/accounts/auth.service.js';
import { TokenSigner } from './modules/accounts/tokens.js';
import { AuditService } from './modules/audit/audit.service.js';
import { IndicatorService } from './modules/indicators/indicator.service.js';
import { NotificationService } from './modules/notifications/notification.service.js';
import { UnitService } from './modules/organisations/unit.service.js';
import { ActionPlanService } from './modules/plans/action-plan.service.js';
import { ReportService } from './modules/reports/report.service.js';
import { ResolutionService } from './modules/resolutions/resolution.service.js';
import { TaskService } from './modules/tasks/task.service.js';
import { syncHandlers } from './modules/sync/sync.handlers.js';
import { SyncService } from './modules/sync/sync.service.js';

/** The stateless services, made once per app; each method takes the request's EntityManager. */
export function createServices(config: Config, secret: string) {
  const tokens = new TokenSigner(secret, config.accessTokenTtlSeconds);
  const audit = new AuditService();
  const notifications = new NotificationService(audit);
  const services = {
    tokens,
    audit,
    auth: new AuthService(tokens, audit, config.refreshTokenTtlDays),
    units: new UnitService(),
    plans: new ActionPlanService(audit),
    tasks: new TaskService(audit, notifications),
    reports: new ReportService(audit, notifications),
    notifications,
    resolutions: new ResolutionService(audit),
    indicators: new IndicatorService(audit),
    attachments: new AttachmentService(audit, new LocalDiskStorage(path.join(config.dataDir, 'files')), config.maxUploadBytes),
  };
  return { ...services, sync: new SyncService(syncHandlers(services)) };
}

export type Services = ReturnType<typeof createServices>;
