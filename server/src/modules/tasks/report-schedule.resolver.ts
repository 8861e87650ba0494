import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { requireViewer } from '../../graphql/auth-checker.js';
import { ReportingComplianceType } from '../analytics/compliance.type.js';
import type { Task } from './task.entity.js';
import { TaskType } from './task.type.js';
import { ReportScheduleType } from './report-schedule.type.js';

/** Periodic reporting: a task's schedule, and the committees' compliance figures. */
@Resolver(() => TaskType)
export class ReportScheduleResolver {
  @FieldResolver(() => ReportScheduleType, { nullable: true })
  reportSchedule(@Root() task: Task): ReportScheduleType | null {
    return task.reportFrequency ? { frequency: task.reportFrequency, dueDays: task.reportDueDays ?? 0 } : null;
  }

  @Authorized()
  @Query(() => ReportingComplianceType, {
    description: 'Due reports of scheduled tasks in a unit’s subtree: on time, late, missing, by child unit',
  })
  reportingCompliance(
    @Ctx() ctx: Context,
    @Arg('unitId', () => ID, { nullable: true, description: 'A unit in your subtree; your own when omitted' })
    unitId: string | null,
    @Arg('resolutionId', () => ID, { nullable: true, description: 'One resolution; all when omitted' })
    resolutionId: string | null,
  ) {
    return ctx.services.compliance.compliance(ctx.em, requireViewer(ctx), unitId, resolutionId);
  }
}
