import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { Config } from '../config.js';
import type { Logger } from '../common/logger.js';
import type { RequestMetrics } from '../common/metrics.js';
import { byIdLoader } from '../common/loaders.js';
import { accountRowLoader } from '../modules/accounts/account.row.js';
import { indicatorLoaders } from '../modules/indicators/indicator.loaders.js';
import { unitRowLoader } from '../modules/organisations/unit.row.js';
import { ActionPlan } from '../modules/plans/action-plan.entity.js';
import { reportLoaders } from '../modules/reports/report.loaders.js';
import { Resolution } from '../modules/resolutions/resolution.entity.js';
import { taskLoaders, taskRowLoader } from '../modules/tasks/task.loaders.js';
import type { TaskRow } from '../modules/tasks/task.row.js';
import type { Viewer } from '../modules/scope/viewer.js';
import type { Services } from '../services.js';
import type { WarningItem } from '../modules/warnings/warning.service.js';

/** Fresh per request: batching never crosses requests or viewers. */
export function createLoaders(em: EntityManager, services: Pick<Services, 'warnings'>) {
  const unit = unitRowLoader(em);
  return {
    /** A task's current warnings, batched over the tasks of a response. */
    taskWarnings: new DataLoader<TaskRow, WarningItem[], string>((tasks) => services.warnings.forTasks(em, tasks), {
      cacheKeyFn: (t) => t.id,
    }),
    // Read paths: units, accounts and tasks as plain rows (nothing loaded here is changed).
    unit,
    account: accountRowLoader(em),
    resolution: byIdLoader(em, Resolution),
    plan: byIdLoader(em, ActionPlan),
    task: taskLoaders(em, unit),
    taskById: taskRowLoader(em),
    indicator: indicatorLoaders(em),
    report: reportLoaders(em),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

export interface Context {
  /** This request's own EntityManager fork (on a replica for a query routed there). */
  em: EntityManager;
  /** The primary's fork, for the bookkeeping writes a read makes (a device's last pull). */
  primaryEm: EntityManager;
  viewer: Viewer | null;
  loaders: Loaders;
  services: Services;
  config: Config;
  logger: Logger;
  /** Records what resolvers report (sync outcomes) into the app's metrics. */
  metrics: RequestMetrics;
  requestId: string;
  ip: string;
  userAgent: string | null;
}
