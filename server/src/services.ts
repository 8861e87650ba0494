import type { Config } from './config.js';
import { AccountService } from './modules/accounts/account.service.js';
import { AuthService } from './modules/accounts/auth.service.js';
import { TokenSigner } from './modules/accounts/tokens.js';
import { AuditService } from './modules/audit/audit.service.js';
import { createRateLimiter } from './modules/rate-limit/rate-limiter.js';
import { NotificationService } from './modules/notifications/notification.service.js';
import { UnitService } from './modules/organisations/unit.service.js';
import { ActionPlanService } from './modules/plans/action-plan.service.js';
import { ReportService } from './modules/reports/report.service.js';
import { TaskService } from './modules/tasks/task.service.js';
import { syncHandlers } from './modules/sync/sync.handlers.js';
import { SyncService } from './modules/sync/sync.service.js';
import { AnalyticsService } from './modules/analytics/analytics.service.js';
import { WarningService } from './modules/warnings/warning.service.js';

/** The stateless services, made once per app; each method takes the request's EntityManager. */
export function createServices(config: Config, secret: string) {
  const tokens = new TokenSigner(secret, config.accessTokenTtlSeconds);
  const audit = new AuditService();
  const limiter = createRateLimiter(config.redisUrl, config.redisKeyPrefix);
  const notifications = new NotificationService(audit);
  const services = {
    tokens,
    audit,
    limiter,
    auth: new AuthService(tokens, audit, limiter, {
      refreshTtlDays: config.refreshTokenTtlDays,
      refreshMaxDays: config.refreshTokenMaxDays,
      limits: config.rateLimits,
    }),
    accounts: new AccountService(audit),
    units: new UnitService(audit),
    plans: new ActionPlanService(),
    tasks: new TaskService(audit, notifications),
    reports: new ReportService(audit, notifications),
    notifications,
    analytics: new AnalyticsService(),
    warnings: new WarningService(config.warnings),
  };
  return { ...services, sync: new SyncService(syncHandlers(services)) };
}

export type Services = ReturnType<typeof createServices>;
