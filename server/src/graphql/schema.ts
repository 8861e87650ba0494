import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { validateOrReject, type ValidationError } from 'class-validator';
import { ArgumentValidationError, buildSchema } from 'type-graphql';
import { AccountResolver } from '../modules/accounts/account.resolver.js';
import { AuthResolver } from '../modules/accounts/auth.resolver.js';
import { AuditResolver } from '../modules/audit/audit.resolver.js';
import { DerivedResolver } from '../modules/derived/derived-freshness.js';
import { UnitResolver } from '../modules/organisations/unit.resolver.js';
import { IndicatorResolver } from '../modules/indicators/indicator.resolver.js';
import { NotificationResolver } from '../modules/notifications/notification.resolver.js';
import { ActionPlanResolver } from '../modules/plans/action-plan.resolver.js';
import { ReportResolver } from '../modules/reports/report.resolver.js';
import { ResolutionResolver } from '../modules/resolutions/resolution.resolver.js';
import { TaskResolver } from '../modules/tasks/task.resolver.js';
import { ReportScheduleResolver } from '../modules/tasks/report-schedule.resolver.js';
import { SyncResolver } from '../modules/sync/sync.resolver.js';
import { AnalyticsResolver } from '../modules/analytics/analytics.resolver.js';
import { WarningResolver } from '../modules/warnings/warning.resolver.js';
import { TaskEvaluationResolver } from '../modules/evaluations/task-evaluation.resolver.js';
import { PublicationResolver } from '../modules/publication/publication.resolver.js';
import { PushResolver } from '../modules/push/push.resolver.js';
import { ImportResolver } from '../modules/imports/import.resolver.js';
import {
  ExtensionResolver,
  PlanOnTimeRuleResolver,
  TaskExtensionFieldsResolver,
} from '../modules/extensions/extension.resolver.js';
import { authChecker } from './auth-checker.js';

export const resolvers = [
  AuthResolver,
  AccountResolver,
  UnitResolver,
  ResolutionResolver,
  ActionPlanResolver,
  TaskResolver,
  ReportScheduleResolver,
  ReportResolver,
  NotificationResolver,
  IndicatorResolver,
  AuditResolver,
  SyncResolver,
  AnalyticsResolver,
  WarningResolver,
  TaskEvaluationResolver,
  PublicationResolver,
  DerivedResolver,
  PushResolver,
  ImportResolver,
  ExtensionResolver,
  TaskExtensionFieldsResolver,
  PlanOnTimeRuleResolver,
] as const;

export async function createSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    authChecker,
    validateFn: validateArgument,
    emitSchemaFile: false,
  });
}

const VALIDATION = { skipMissingProperties: true, forbidUnknownValues: false };
const isInputObject = (v: unknown): v is object => v !== null && typeof v === 'object';

/**
 * class-validator's checks of the input classes, as type-graphql's own `validate` runs them, but
 * with class-validator imported once: the built-in one imports it again for every argument.
 */
async function validateArgument(value: unknown): Promise<void> {
  try {
    if (Array.isArray(value)) await Promise.all(value.filter(isInputObject).map((v) => validateOrReject(v, VALIDATION)));
    else if (isInputObject(value)) await validateOrReject(value, VALIDATION);
  } catch (error) {
    throw new ArgumentValidationError(error as ValidationError[]);
  }
}

/** The SDL as committed in schema/schema.graphql: sorted, so the diff shows only real changes. */
export function printContract(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
