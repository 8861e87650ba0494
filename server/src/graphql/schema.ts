import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AccountResolver } from '../modules/accounts/account.resolver.js';
import { AuthResolver } from '../modules/accounts/auth.resolver.js';
import { AuditResolver } from '../modules/audit/audit.resolver.js';
import { UnitResolver } from '../modules/organisations/unit.resolver.js';
import { NotificationResolver } from '../modules/notifications/notification.resolver.js';
import { ActionPlanResolver } from '../modules/plans/action-plan.resolver.js';
import { ReportResolver } from '../modules/reports/report.resolver.js';
import { ResolutionResolver } from '../modules/resolutions/resolution.resolver.js';
import { TaskResolver } from '../modules/tasks/task.resolver.js';
import { SyncResolver } from '../modules/sync/sync.resolver.js';
import { AnalyticsResolver } from '../modules/analytics/analytics.resolver.js';
import { WarningResolver } from '../modules/warnings/warning.resolver.js';
import { authChecker } from './auth-checker.js';

export const resolvers = [
  AuthResolver,
  AccountResolver,
  UnitResolver,
  ResolutionResolver,
  ActionPlanResolver,
  TaskResolver,
  ReportResolver,
  NotificationResolver,
  SyncResolver,
  AnalyticsResolver,
  WarningResolver,
  AuditResolver,
] as const;

export async function createSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    authChecker,
    validate: { forbidUnknownValues: false },
    emitSchemaFile: false,
  });
}

/** The SDL as committed in schema/schema.graphql: sorted, so the diff shows only real changes. */
export function printContract(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
