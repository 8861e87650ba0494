import path from 'node:path';
import type { Logger } from './common/logger.js';
import type { Config } from './config.js';
import { AccountService } from './modules/accounts/account.service.js';
import { AttachmentService } from './modules/attachments/attachment.service.js';
import { LocalDiskStorage } from './modules/attachments/file-storage.js';
import { AuthService } from './modules/accounts/auth.service.js';
import { TokenSigner } from './modules/accounts/tokens.js';
import { ViewerLoader } from './modules/accounts/viewer.loader.js';
import { AuditService } from './modules/audit/audit.service.js';
import { IndicatorService } from './modules/indicators/indicator.service.js';
import { NotificationService } from './modules/notifications/notification.service.js';
import { createRateLimiter } from './modules/rate-limit/rate-limiter.js';
import { UnitService } from './modules/organisations/unit.service.js';
import { ActionPlanService } from './modules/plans/action-plan.service.js';
import { ReportService } from './modules/reports/report.service.js';
import { ResolutionService } from './modules/resolutions/resolution.service.js';
import { TaskService } from './modules/tasks/task.service.js';
import { syncHandlers } from './modules/sync/sync.handlers.js';
import { SyncService } from './modules/sync/sync.service.js';
import { AnalyticsService } from './modules/analytics/analytics.service.js';
import { ComplianceService } from './modules/analytics/compliance.service.js';
import { WarningService } from './modules/warnings/warning.service.js';
import { TaskEvaluationService } from './modules/evaluations/task-evaluation.service.js';
import { ExportService } from './modules/exports/export.service.js';
import { ActivationService } from './modules/accounts/activation.service.js';
import { ImportService } from './modules/imports/import.service.js';
import { PublicationService } from './modules/publication/publication.service.js';
import { PushService } from './modules/push/push.service.js';
import type { VapidKeys } from './db/secret.js';
import { ExtensionService } from './modules/extensions/extension.service.js';

/** The stateless services, made once per app; each method takes the request's EntityManager. */
export function createServices(config: Config, secret: string, logger?: Logger, vapid: VapidKeys | null = null) {
  const tokens = new TokenSigner(secret, config.accessTokenTtlSeconds);
  const audit = new AuditService();
  const limiter = createRateLimiter(config.redisUrl, config.redisKeyPrefix, (failing, error) =>
    failing
      ? logger?.warn('rate limits counted in PostgreSQL: Redis does not answer', { error: String(error) })
      : logger?.info('rate limits counted in Redis again'),
  );
  const notifications = new NotificationService(audit);
  const analytics = new AnalyticsService();
  const auth = new AuthService(tokens, audit, limiter, {
    refreshTtlDays: config.refreshTokenTtlDays,
    refreshMaxDays: config.refreshTokenMaxDays,
    limits: config.rateLimits,
  });
  const compliance = new ComplianceService(analytics);
  const services = {
    tokens,
    viewers: new ViewerLoader(tokens),
    audit,
    limiter,
    auth,
    activation: new ActivationService(auth, audit, limiter, {
      limits: config.rateLimits,
      activationCodeDays: config.activationCodeDays,
    }),
    imports: new ImportService(config.activationCodeDays),
    accounts: new AccountService(audit),
    units: new UnitService(audit),
    plans: new ActionPlanService(audit),
    tasks: new TaskService(audit, notifications),
    reports: new ReportService(audit),
    notifications,
    resolutions: new ResolutionService(audit),
    indicators: new IndicatorService(audit),
    attachments: new AttachmentService(audit, new LocalDiskStorage(path.join(config.dataDir, 'files')), config.maxUploadBytes),
    analytics,
    compliance,
    warnings: new WarningService(config.warnings),
    evaluations: new TaskEvaluationService(audit),
    exports: new ExportService(analytics, compliance),
    publications: new PublicationService(analytics, audit),
    push: new PushService(audit, config, vapid),
    extensions: new ExtensionService(audit, notifications),
  };
  return { ...services, sync: new SyncService(syncHandlers(services), logger) };
}

export type Services = ReturnType<typeof createServices>;
