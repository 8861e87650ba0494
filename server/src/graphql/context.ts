import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { Config } from '../config.js';
import type { Logger } from '../common/logger.js';
import type { RequestMetrics } from '../common/metrics.js';
import { byIdLoader } from '../common/loaders.js';
import { Account } from '../modules/accounts/account.entity.js';
import { indicatorLoaders } from '../modules/indicators/indicator.loaders.js';
import { Unit } from '../modules/organisations/unit.entity.js';
import { ActionPlan } from '../modules/plans/action-plan.entity.js';
import { reportLoaders } from '../modules/reports/report.loaders.js';
import { Resolution } from '../modules/resolutions/resolution.entity.js';
import { taskLoaders } from '../modules/tasks/task.loaders.js';
import { Task } from '../modules/tasks/task.entity.js';
import type { Viewer } from '../modules/scope/viewer.js';
import type { Services } from '../services.js';
import type { WarningItem } from '../modules/warnings/warning.service.js';

/** Fresh per request: batching never crosses requests or viewers. */
export function createLoaders(em: EntityManager, services: Pick<Services, 'warnings'>) {
  return {
    /** A task's current warnings, batched over the tasks of a response. */
    taskWarnings: new DataLoader<Task, WarningItem[], string>((tasks) => services.warnings.forTasks(em, tasks), {
      cacheKeyFn: (t) => t.id,
    }),
    unit: byIdLoader(em, Unit),
    account: byIdLoader(em, Account),
    resolution: byIdLoader(em, Resolution),
    plan: byIdLoader(em, ActionPlan),
    task: taskLoaders(em),
    taskById: byIdLoader(em, Task),
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
